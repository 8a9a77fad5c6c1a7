import { useRef } from 'react';
import type { Repo } from '../../shared/repo';
import { useHost } from '../connection/use-host';
import { RepoHealth } from '../health/repo-health';
import { useFocusTarget } from '../navigation/use-route-focus';
import { AdoptableLaneRow } from '../lane-panel/adoptable-lane-row';
import { MainStateBanner } from './main-state-banner';
import { MergesList } from './merges-list';
import { useRepoConfig } from './use-repo-config';

/**
 * One repository's MAIN (interim MAIN view, until its own view lands): MAIN's state and
 * history (uptime, incidents, the ops loop), grove.yaml's problems, worktrees made outside
 * Grove to adopt, and the merges into MAIN. Lanes themselves live in the rail and the lane
 * panel. A route to the repository (`#/repo/<id>`) scrolls here.
 */
export function RepoLanes({ repo }: { repo: Repo }) {
  const { lanes, mainStates, merges, health } = useHost();
  const mainState = mainStates[repo.id];
  const config = useRepoConfig(repo.id, mainState?.head ?? null);
  const ref = useRef<HTMLElement>(null);
  const focusSeq = useFocusTarget({ kind: 'repo', repoId: repo.id }, ref);
  const adoptable = (lanes ?? []).filter((l) => l.repoId === repo.id && l.adoptable);

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
      {adoptable.length > 0 && (
        <ul className="adoptable-lanes" aria-label="Worktrees made outside Grove">
          {adoptable.map((l) => (
            <li key={l.id}>
              <AdoptableLaneRow lane={l} />
            </li>
          ))}
        </ul>
      )}
      <MergesList merges={(merges ?? []).filter((m) => m.repoId === repo.id)} />
    </section>
  );
}
