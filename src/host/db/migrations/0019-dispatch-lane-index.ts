import type { Migration } from '../migrations';

/**
 * The dispatches of a lane, found without reading every dispatch: the auto-linker asks which
 * dispatch a lane's commits and merge belong to (by the lane's id, or by its repository and
 * name once the lane is gone), and the lane panel lists a lane's briefs. The lane lives in the
 * dispatch's JSON record, so these index the record's fields: they follow every save, with no
 * column to keep in step. The queries (dispatch-store.ts) name the same expressions.
 */
export const dispatchLaneIndex: Migration = {
  version: 19,
  name: 'dispatch-lane-index',
  up(db) {
    db.exec(`
      CREATE INDEX dispatches_by_lane ON dispatches (json_extract(record, '$.laneId'));
      CREATE INDEX dispatches_by_lane_name ON dispatches (repo_id, json_extract(record, '$.laneName'));
    `);
  },
};
