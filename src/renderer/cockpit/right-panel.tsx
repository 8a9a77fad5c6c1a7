import type { Lane } from '../../shared/lanes';
import { LanePanel } from '../lane-panel/lane-panel';

/** The selected lane's panel (loaded on demand, with the diff view). */
export function RightPanel({ lane }: { lane: Lane }) {
  return <LanePanel lane={lane} />;
}

/** Merges whose lane has no panel on screen (an ephemeral lane its merge removed): their dialogs. */
export { MergeFlows } from '../lane-panel/merge-flow-dialog';
