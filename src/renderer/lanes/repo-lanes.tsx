import { useRef, useState } from 'react';
import type { Lane } from '../../shared/lanes';
import type { Repo } from '../../shared/repo';
import { useHost } from '../connection/use-host';
import { RepoHealth } from '../health/repo-health';
import { useFocusTarget } from '../navigation/use-route-focus';
import { CreateLaneForm } from './create-lane-form';
import { jobOfLane } from './job-state';
import { AdoptableRow, LaneCard } from './lane-card';
import { MainStateBanner } from './main-state-banner';
import { MergeDialog } from './merge-dialog';
import { MergesList } from './merges-list';
import { useRepoConfig } from './use-repo-config';

/**
 * One repository's lanes around its MAIN: MAIN's state and history (uptime, incidents, the
 * ops loop), a card per lane, worktrees made outside Grove, the form for a new lane, and
 * the merges into MAIN. A route to the repository (`#/repo/<id>`) scrolls here. The merge dialog is
 * held here, not in the card, so it outlives an ephemeral lane its merge removes.
 */
export function RepoLanes({ repo }: { repo: Repo }) {
  const { lanes, jobs, mainStates, merges, health } = useHost();
  const mainState = mainStates[repo.id];
  const config = useRepoConfig(repo.id, mainState?.head ?? null);
  const [merging, setMerging] = useState<Lane | null>(null);
  const ref = useRef<HTMLElement>(null);
  const focusSeq = useFocusTarget({ kind: 'repo', repoId: repo.id }, ref);
  const mine = (lanes ?? []).filter((l) => l.repoId === repo.id);
  const serve = config?.config.serve;
  const canServe = config === null || Boolean(serve?.site || serve?.command);

  return (
    <section
      ref={ref}
      id={`repo-${repo.id}`}
      className={`panel repo-lanes${focusSeq !== null ? ' route-focused' : ''}`}
      aria-label={`Lanes of ${repo.name}`}
      data-testid="repo-lanes"
      data-focused={focusSeq !== null ? 'true' : undefined}
    >
      <h2>
        {repo.name} <code className="muted">{repo.mainPath}</code>
      </h2>
      <MainStateBanner repo={repo} state={mainState} health={health[repo.id]} />
      <RepoHealth repo={repo} hasOpsConfig={Boolean(config?.config.ops)} />
      {config && config.problems.length > 0 && (
        <div className="error" role="alert" data-testid="config-problems">
          <p>grove.yaml has problems; lanes cannot be created or merged until they are fixed:</p>
          <ul>
            {config.problems.map((p, i) => (
              <li key={i}>
                <code>
                  {p.file}
                  {p.line !== null ? `:${p.line}` : ''}
                </code>{' '}
                {p.key && <code>{p.key}</code>} {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <ul className="lane-list">
        {mine.map((l) =>
          l.adoptable ? (
            <AdoptableRow key={l.id} lane={l} />
          ) : (
            <LaneCard key={l.id} lane={l} job={jobOfLane(jobs, repo.id, l.name)} mainHead={mainState?.head ?? null} canServe={canServe} onMerge={setMerging} />
          ),
        )}
      </ul>
      <CreateLaneForm repo={repo} isKeylessByDefault={config?.config.lanes?.keyless ?? false} />
      <MergesList merges={(merges ?? []).filter((m) => m.repoId === repo.id)} />
      {merging && <MergeDialog key={merging.id} lane={merging} onClose={() => setMerging(null)} />}
    </section>
  );
}
