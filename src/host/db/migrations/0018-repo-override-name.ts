import type { Migration } from '../migrations';
import { assignOverrideNames } from '../../repos/override-name';

/**
 * Each repository's own override file name (repos/override-name.ts). Repositories already
 * registered keep `<name>.yaml` (the first added of each name); a later one of the same name
 * gets `<name>-2.yaml`, or the next name no repository has, and stops reading the first's
 * file (its digest changes if that file held commands, so it asks to be trusted again
 * instead of running them).
 */
export const repoOverrideName: Migration = {
  version: 18,
  name: 'repo-override-name',
  up(db) {
    db.exec('ALTER TABLE repos ADD COLUMN override_name TEXT;');
    const rows = db.prepare('SELECT id, name FROM repos ORDER BY added_at, rowid').all() as { id: string; name: string }[];
    const set = db.prepare('UPDATE repos SET override_name = ? WHERE id = ?');
    for (const [id, name] of assignOverrideNames(rows)) set.run(name, id);
  },
};
