import { ShieldAlert, ShieldCheck } from 'lucide-react';
import { useId, useRef, useState, type ReactNode } from 'react';
import type { MainHealth } from '../../shared/health';
import type { Repo } from '../../shared/repo';
import { useHost } from '../connection/use-host';
import { IncidentLog } from '../health/incident-log';
import { incidentsOf } from '../health/incident-list';
import { OpsLoopCard } from '../health/ops-loop-card';
import { UptimeBar } from '../health/uptime-bar';
import { useHealthTimeline } from '../health/use-health-timeline';
import { MainHead, MainStateBanner } from '../lanes/main-state-banner';
import { MergesList } from '../lanes/merges-list';
import { AdoptableLaneRow } from '../lane-panel/adoptable-lane-row';
import { useRepoConfig } from '../lanes/use-repo-config';
import { useFocusTarget } from '../navigation/use-route-focus';
import { TrustStep } from '../repos/trust-step';
import { MainHealthBadge } from './main-health-badge';
import { ProbeTable } from './probe-table';
import { useViewRequest } from '../ui/use-view-request';
import { onOpsLoopRequest, type OpsLoopRequest } from './main-requests';
import './main-view.css';

/**
 * A repository's MAIN, everything about it on one page: its health (one badge), HEAD, whether
 * its commands are trusted (the Trust step when not), grove.yaml's problems, MAIN's state
 * (the pre-commit guard, what did not come through Grove), the probes, the last 24
 * hours and the incidents, the ops loop, and the merges into MAIN. A failure shows in one
 * box: a failing probe's output in the open incident, or in the probe's row when no
 * incident shows it. Routes to an incident (`#/repo/<id>/incident/<iid>`) scroll to it.
 */
export function MainView({ repo }: { repo: Repo }) {
  const { mainStates, health, incidents, merges, opsLoops, agents, lanes } = useHost();
  const adoptable = (lanes ?? []).filter((l) => l.repoId === repo.id && l.adoptable);
  const mainState = mainStates[repo.id];
  const repoHealth = health[repo.id];
  const config = useRepoConfig(repo.id, mainState?.head ?? null);
  const ref = useRef<HTMLElement>(null);
  const focusSeq = useFocusTarget({ kind: 'repo', repoId: repo.id }, ref);
  const { open } = incidentsOf(incidents ?? [], repo.id);
  const loop = opsLoops[repo.id];
  const loopAgent = loop?.agentId ? (agents ?? []).find((a) => a.id === loop.agentId) : undefined;
  const hasOpsConfig = Boolean(config?.config.ops);
  const hasHistory = (repoHealth?.probes.length ?? 0) > 0 || (incidents ?? []).some((i) => i.repoId === repo.id);
  const problems = configProblems(repoHealth, config);
  // The palette's Start / Stop of the ops loop: kept, so the card shows (and answers) even
  // before grove.yaml is read, or when it declares no loop (the host then says so).
  const [opsAsked, setOpsAsked] = useState<{ request: OpsLoopRequest; seq: number } | null>(null);
  useViewRequest(onOpsLoopRequest, repo.id, (request) => setOpsAsked((a) => ({ request, seq: (a?.seq ?? 0) + 1 })));

  return (
    <section
      ref={ref}
      className="main-view"
      data-testid="main-view"
      data-repo-id={repo.id}
      data-focused={focusSeq !== null ? 'true' : undefined}
      aria-label={`MAIN of ${repo.name}`}
    >
      <header className="main-view-header">
        <div className="main-view-title">
          <h2>
            {repo.name} <span className="main-view-main">MAIN</span>
          </h2>
          <code className="main-view-path" title={repo.mainPath}>
            {repo.mainPath}
          </code>
        </div>
        <div className="main-view-facts">
          <MainHealthBadge repo={repo} health={repoHealth} />
          <MainHead state={mainState} />
          <TrustFact repo={repo} />
        </div>
      </header>

      {!repo.trusted && <TrustStep repo={repo} />}

      {problems.length > 0 && (
        <div className="main-view-problems" role="alert" data-testid="config-problems">
          <p>grove.yaml has problems: lanes cannot be created or merged until they are fixed; its last valid probes keep running.</p>
          <ul>
            {problems.map((p) => (
              <li key={p}>
                <code data-testid="config-problem">{p}</code>
              </li>
            ))}
          </ul>
        </div>
      )}

      <Section title="State">
        <MainStateBanner repo={repo} state={mainState} />
      </Section>

      <Section title="Probes" testId="main-probes">
        {repoHealth && repoHealth.probes.length > 0 ? (
          <ProbeTable probes={repoHealth.probes} outputShownElsewhere={new Set(open?.probes.filter((p) => p.outputTail).map((p) => p.name) ?? [])} />
        ) : (
          <p className="muted">
            {repo.trusted ? (
              <>
                None declared. Add some under <code>health.probes</code> in grove.yaml and Grove watches MAIN with them.
              </>
            ) : (
              'None run until the commands are trusted.'
            )}
          </p>
        )}
      </Section>

      {hasHistory && (
        <Section title="Uptime and incidents" testId="main-history">
          <RepoUptime repoId={repo.id} health={repoHealth} />
          <IncidentLog repoId={repo.id} incidents={incidents} />
        </Section>
      )}

      {(loop || hasOpsConfig || opsAsked) && (
        <Section title="Ops loop">
          <OpsLoopCard repo={repo} loop={loop} agent={loopAgent} hasOpsConfig={hasOpsConfig} asked={opsAsked} />
        </Section>
      )}

      {adoptable.length > 0 && (
        <Section title="Worktrees made outside Grove" testId="adoptable-worktrees">
          {adoptable.map((l) => (
            <AdoptableLaneRow key={l.id} lane={l} />
          ))}
        </Section>
      )}

      <Section title="Merges into MAIN">
        <MergesList merges={(merges ?? []).filter((m) => m.repoId === repo.id)} />
      </Section>
    </section>
  );
}

function Section({ title, testId, children }: { title: string; testId?: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="main-view-section" aria-labelledby={id} data-testid={testId}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

/** Trusted, or changed since: the badge already says "untrusted" when it was never trusted. */
function TrustFact({ repo }: { repo: Repo }) {
  if (repo.trusted) {
    return (
      <span className="main-view-trust is-trusted" data-testid="main-trust">
        <ShieldCheck size={14} aria-hidden /> commands trusted
      </span>
    );
  }
  if (repo.trust !== 'changed') return null;
  return (
    <span className="main-view-trust is-untrusted" data-testid="main-trust">
      <ShieldAlert size={14} aria-hidden /> commands changed since trusted
    </span>
  );
}

function RepoUptime({ repoId, health }: { repoId: string; health: MainHealth | undefined }) {
  const { timeline, error } = useHealthTimeline(repoId, health);
  return <UptimeBar timeline={timeline} error={error} />;
}

/**
 * grove.yaml's problems, once: MAIN's watcher re-reads the file as it changes on disk, so its
 * list is the fresher; the config read (on a HEAD move) speaks when the watcher has none.
 */
function configProblems(health: MainHealth | undefined, config: ReturnType<typeof useRepoConfig>): string[] {
  if (health?.configProblems?.length) return health.configProblems;
  return (config?.problems ?? []).map((p) => `${p.file}${p.line !== null ? `:${p.line}` : ''}: ${p.key ? `${p.key}: ` : ''}${p.message}`);
}
