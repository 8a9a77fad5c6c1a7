import type { Migration } from '../migrations';

/**
 * The ceiling an agent runs under when a confined agent asked for it (an orchestrator's
 * dispatch, confine/confine-ceiling.ts), as JSON (the shared ConfineCeiling: `{ network,
 * keyless, repoId, withheld }`): the widest network it may have, whether it goes key-less,
 * what it goes without, and that it must be confined at all. Kept with the
 * agent, so its restarts and a host restart start it under the same ceiling. NULL: as its
 * lane says (every agent from before, and the operator's own).
 */
export const agentConfineCeiling: Migration = {
  version: 20,
  name: 'agent-confine-ceiling',
  up(db) {
    db.exec('ALTER TABLE agents ADD COLUMN confine_ceiling TEXT;');
  },
};
