import { useState } from 'react';
import type { Lane } from '../../shared/lanes';
import { useHost } from '../connection/use-host';
import { jobOfLane } from '../lanes/job-state';
import { LaneCard } from '../lanes/lane-card';
import { MergeDialog } from '../lanes/merge-dialog';

/** The selected lane's panel (interim: the lane card). */
export function RightPanel({ lane }: { lane: Lane }) {
  const { jobs, mainStates } = useHost();
  const [merging, setMerging] = useState<Lane | null>(null);
  return (
    <div className="lane-panel-interim">
      <ul className="lane-list">
        <LaneCard lane={lane} job={jobOfLane(jobs, lane.repoId, lane.name)} mainHead={mainStates[lane.repoId]?.head ?? null} canServe onMerge={setMerging} />
      </ul>
      {merging && <MergeDialog key={merging.id} lane={merging} onClose={() => setMerging(null)} />}
    </div>
  );
}
