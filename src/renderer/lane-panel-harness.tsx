import { useState } from 'react';
import type { Repo } from '../shared/repo';
import { useHost } from './connection/use-host';
import { AdoptableLaneRow } from './lane-panel/adoptable-lane-row';
import { LanePanel } from './lane-panel/lane-panel';
import { MergeFlows } from './lane-panel/merge-flow-dialog';
import { CreateLaneDialog } from './lanes/create-lane-form';
import { MainStateBanner } from './lanes/main-state-banner';
import { MergesList } from './lanes/merges-list';

/**
 * TEMPORARY (lane panel helper): stands in for the cockpit frame until "Cockpit frame" lands,
 * with the frame's test ids (rail, rail-lane, right-panel, "Lane panel", "New lane in <repo>").
 * The lead's app.tsx replaces it; delete this file then.
 */
export function LanePanelHarness() {
  const { repos, lanes, mainStates, health, merges } = useHost();
  const [selected, setSelected] = useState<string | null>(null);
  const [isPanelOpen, setPanelOpen] = useState(true);
  const [creatingIn, setCreatingIn] = useState<Repo | null>(null);
  const lane = lanes?.find((l) => l.id === selected && !l.adoptable) ?? null;
  return (
    <div style={{ display: 'flex', gap: 12, alignItems: 'flex-start', flexWrap: 'wrap' }}>
      <nav data-testid="rail" aria-label="Repositories and lanes" style={{ width: 240 }}>
        {(repos ?? []).map((r) => (
          <div key={r.id} data-testid="rail-repo" data-repo-id={r.id}>
            <strong>{r.name}</strong>{' '}
            <button type="button" aria-label={`New lane in ${r.name}`} onClick={() => setCreatingIn(r)}>+ Lane</button>
            <MainStateBanner repo={r} state={mainStates[r.id]} health={health[r.id]} />
            <ul>
              {(lanes ?? [])
                .filter((l) => l.repoId === r.id)
                .map((l) =>
                  l.adoptable ? (
                    <li key={l.id}><AdoptableLaneRow lane={l} /></li>
                  ) : (
                    <li key={l.id}>
                      <button type="button" data-testid="rail-lane" data-path={l.path} aria-current={l.id === selected} onClick={() => setSelected(l.id)}>{l.name}</button>
                    </li>
                  ),
                )}
            </ul>
            <MergesList merges={(merges ?? []).filter((m) => m.repoId === r.id)} />
          </div>
        ))}
        <button type="button" aria-label="Lane panel" aria-pressed={isPanelOpen} onClick={() => setPanelOpen(!isPanelOpen)}>Lane panel</button>
      </nav>
      {isPanelOpen && lane && (
        <aside data-testid="right-panel" style={{ width: 'min(380px, 100vw)', border: '1px solid var(--border)' }}>
          <LanePanel lane={lane} />
        </aside>
      )}
      {creatingIn && <CreateLaneDialog repo={creatingIn} open onOpenChange={(o) => !o && setCreatingIn(null)} onCreated={(l) => setSelected(l.id)} />}
      <MergeFlows />
    </div>
  );
}
