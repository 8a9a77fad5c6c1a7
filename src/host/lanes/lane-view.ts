import type { Lane } from '../../shared/lanes';
import type { LaneRecord } from './lane-store';

/** A recorded lane as clients see it; `status` is what git and the disk say now. */
export function toLane(r: LaneRecord, status: Lane['status'] = 'ok'): Lane {
  return { ...r, status, adoptable: false };
}
