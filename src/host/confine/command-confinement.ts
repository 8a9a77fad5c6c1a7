import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Confinement } from '../../shared/agents';
import { describeConfinement } from '../../shared/confinement-words';
import { uuidv7 } from '../ids';
import type { CommandWrap } from '../lanes/setup/run-commands';
import type { ConfinedLaunch, ConfineRequest } from './agent-confinement';

/**
 * A recipe command that runs the lane's own files (`merge.check`: `npm test` runs the
 * package.json and the tests the agent wrote) is confined as the lane's agents are: the
 * same lane, the same MAIN kept read-only, the same hidden places and the lane's network.
 * It gets a temp dir of its own in the data dir (its TMPDIR), removed when it is over.
 *
 * `off` is the recipe's word for running it as the operator instead (`merge.confine:
 * false`, reviewed when the repository is trusted). A command that should be confined but
 * cannot be set up is refused, as an agent's launch is: runCommands reports it as a
 * command that could not start, with the reason.
 */
export interface ConfinedCommand {
  /** For runCommands' `wrap`; undefined: run as it is. */
  wrap: CommandWrap | undefined;
  /** One line for the job's log: how it runs. */
  line: string;
  /** Removes its temp dir. */
  done(): void;
}

export function confineCommand(
  confine: ((req: ConfineRequest) => ConfinedLaunch) | undefined,
  o: { lanePath: string; dataDir: string; env: NodeJS.ProcessEnv; off: string | null; what: string; escape: string },
): ConfinedCommand {
  const asIs = (reason: string): ConfinedCommand => {
    const info: Confinement = { confined: false, mechanism: null, reason, network: 'open' };
    return { wrap: undefined, line: `${o.what} runs ${describeConfinement(info)}`, done: () => undefined };
  };
  if (o.off) return asIs(o.off);
  if (!confine) return asIs('this host confines nothing');
  const dir = join(o.dataDir, 'commands', uuidv7());
  const env = Object.fromEntries(Object.entries(o.env).filter((e): e is [string, string] => e[1] !== undefined));
  const launch = confine({ lanePath: o.lanePath, agentDir: dir, unconfined: false, statePaths: [], env, escape: o.escape });
  if (!launch.info.confined) return asIs(launch.info.reason ?? 'no reason given');
  return {
    wrap: (file, args, runEnv) => launch.wrap(file, args, runEnv as Record<string, string>),
    line: `${o.what} runs ${describeConfinement(launch.info)}, to the lane`,
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}
