import { ExternalLink, GitMerge } from 'lucide-react';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Lane, LaneNetwork } from '../../shared/lanes';
import { useHost } from '../connection/use-host';
import { JobLog } from '../lanes/job-log';
import type { JobView } from '../lanes/job-state';
import { useDiffFocus } from '../lanes/diff-focus';
import { LaneDiffContent, useLaneDiff } from '../lanes/lane-diff-view';
import { describeSetup, describeStatus, portRange } from '../lanes/lane-labels';
import { LaneNetworkSelect } from '../lanes/lane-network';
import { useRepoConfig } from '../lanes/use-repo-config';
import { count } from '../../shared/plural';
import { LaneActions } from './lane-actions';
import { LaneBriefs } from './lane-briefs';
import { MergeFlowDialog } from './merge-flow-dialog';
import { summarizePreflight } from './merge-preflight';
import { describeHiddenSession, isBusy } from './merge-sessions';
import { jobIdsOf, useMergeSessions } from './use-merge-sessions';
import './lane-panel.css';

/**
 * The right panel for one lane: what it is (branch, kind, ports, where it is served, its
 * setup), its changes against MAIN (read again on the lane's HEAD and index changes), its
 * setup log, the merge's preflight and the merge itself, rebase, serve and remove, and
 * the briefs dispatched to it. Fluid: as wide as
 * the frame makes it, from a 380 px column to a phone's full-width sheet.
 */
export function LanePanel({ lane }: { lane: Lane }) {
  // Keyed: another lane starts with its own diff, answers and folds, never the last lane's.
  return <LanePanelBody key={lane.id} lane={lane} />;
}

function LanePanelBody({ lane }: { lane: Lane }) {
  const { mainStates, health, jobs } = useHost();
  const mainState = mainStates[lane.repoId];
  const mainHead = mainState?.head ?? null;
  const config = useRepoConfig(lane.repoId, mainHead);
  const { state: diff, reload } = useLaneDiff(lane, mainHead);
  const { sessions, flows } = useMergeSessions();
  const session = sessions[lane.id];
  // A changed file's path Ctrl+clicked in this lane's terminal: the diff is read again (the
  // edit may be newer than what is shown) and the Changes section opened on it.
  const focus = useDiffFocus(lane.path);
  const focusSeq = focus?.seq ?? null;
  const readFor = useRef(focusSeq); // a panel mounting for a request reads the diff anyway
  useEffect(() => {
    if (focusSeq === null || focusSeq === readFor.current) return;
    readFor.current = focusSeq;
    reload();
  });
  useEffect(() => flows.attachPanel(lane.id), [flows, lane.id]);

  const serve = config?.config.serve;
  const canServe = config === null || Boolean(serve?.site || serve?.command);
  const setupJob = latestJob(jobs, lane, ['lane.create']);
  const actionJob = latestJob(jobs, lane, ['lane.rebase', 'lane.serve', 'lane.remove']);
  const preflight = summarizePreflight({ diff: diff.diff, config, health: health[lane.repoId], mainState });
  const hidden = session && !session.isShown ? describeHiddenSession(session.step) : null;
  const isMissing = lane.status === 'missing';

  return (
    <div className="lane-panel" data-testid="lane-panel" aria-label={`Lane ${lane.name}`} role="region">
      <LaneHeader lane={lane} repoNetwork={config ? (config.config.lanes?.network ?? 'open') : null} />
      <LaneActions lane={lane} canServe={canServe} />
      {actionJob && <JobLog key={actionJob.job.id} view={actionJob} />}

      <PanelSection title="Changes" summary={diff.diff ? changesSummary(diff.diff.files.length, diff.diff.uncommitted) : null} testId="lane-changes" defaultOpen openSeq={focusSeq}>
        {isMissing ? <p className="lp-hint">The lane’s directory is gone: there is nothing to diff.</p> : <LaneDiffContent lane={lane} state={diff} onRefresh={reload} focus={focus} />}
      </PanelSection>

      <PanelSection title="Setup log" summary={describeSetup(lane.setup)?.text ?? null} testId="lane-setup-log" defaultOpen={lane.setup === 'running' || lane.setup === 'failed'}>
        {setupJob ? (
          <JobLog key={setupJob.job.id} view={setupJob} />
        ) : (
          <p className="lp-hint">{lane.setup === 'none' ? 'No setup ran for this lane (grove.yaml has none, or the lane was adopted).' : 'The setup’s log is no longer kept by this window.'}</p>
        )}
      </PanelSection>

      <PanelSection title="Merge" summary={null} testId="lane-merge" defaultOpen>
        <ul className="lp-preflight" aria-label="Before merging">
          {preflight.map((line, i) => (
            <li key={i} className={`lp-tone-${line.tone}`} data-topic={line.topic}>
              {line.text}
              {line.command && (
                <>
                  {' '}
                  <code className="lp-command">{line.command}</code>
                </>
              )}
            </li>
          ))}
        </ul>
        {hidden && session && (
          <p className="lp-row lp-hidden-merge" role="status" data-testid="merge-hidden">
            {hidden}
            <button type="button" className="link-button" onClick={() => flows.show(lane.id)}>{isBusy(session.step) ? 'Show progress' : 'Show the outcome'}</button>
          </p>
        )}
        <div className="lp-row">
          <button type="button" className="primary" onClick={() => flows.open(lane, jobIdsOf(jobs, lane))} disabled={isMissing || (session !== undefined && session.step.kind === 'merging')}>
            <GitMerge size={14} aria-hidden />
            Merge into MAIN…
          </button>
          <span className="lp-hint">Checks first; nothing changes until you confirm.</span>
        </div>
      </PanelSection>

      <PanelSection title="Briefs" summary={null} testId="lane-briefs">
        <LaneBriefs laneId={lane.id} />
      </PanelSection>

      {session && <MergeFlowDialog key={session.id} session={session} />}
    </div>
  );
}

function LaneHeader({ lane, repoNetwork }: { lane: Lane; repoNetwork: LaneNetwork | null }) {
  const status = describeStatus(lane);
  const setup = describeSetup(lane.setup);
  const ports = portRange(lane.port);
  return (
    <header className="lp-header">
      <div className="lp-title">
        <h2 className="lp-name">{lane.name}</h2>
        <span className="lp-tag" title={lane.kind === 'ephemeral' ? 'Removed with its branch once merged into MAIN' : 'Kept after merges'} data-testid="lane-kind">
          {lane.kind}
        </span>
        {lane.status !== 'ok' && (
          <span className={`lp-tag lp-tone-${status.tone}`} data-testid="lane-status" title={status.why ?? undefined}>
            {status.text}
          </span>
        )}
      </div>
      <dl className="lp-facts">
        <dt>Branch</dt>
        <dd>
          <code data-testid="lane-branch">{lane.branch ?? '(detached)'}</code>
        </dd>
        {ports && (
          <>
            <dt>Ports</dt>
            <dd>
              <code title="GROVE_PORT to GROVE_PORT+9, for this lane's servers" data-testid="lane-ports">{ports}</code>
            </dd>
          </>
        )}
        {lane.served && (
          <>
            <dt>Served</dt>
            <dd>
              <a href={lane.served.url} target="_blank" rel="noopener" data-testid="lane-url">
                {lane.served.url}
                <ExternalLink size={12} aria-hidden />
              </a>
            </dd>
          </>
        )}
        <dt>Network</dt>
        <dd className="lp-tags">
          {(lane.network ?? repoNetwork) === 'none' && (
            <span className="lp-tag lp-tone-warn" title="Its confined agents reach nothing on the network but Grove's host" data-testid="lane-no-network">
              no network
            </span>
          )}
          {(lane.network ?? repoNetwork) === 'loopback' && (
            <span className="lp-tag lp-tone-warn" title="Its confined agents reach this machine's loopback (Grove's host, local servers) and nothing beyond" data-testid="lane-loopback-network">
              loopback only
            </span>
          )}
          <LaneNetworkSelect lane={lane} repoDefault={repoNetwork} />
        </dd>
        {(setup || lane.keyless) && (
          <>
            <dt>Setup</dt>
            <dd className="lp-tags">
              {setup && (
                <span className={`lp-tag lp-tone-${setup.tone}`} data-testid="lane-setup" title={setup.why}>
                  {setup.text}
                </span>
              )}
              {lane.keyless && (
                <span className="lp-tag" title="Copied dotenv files lost their keys, and agents here do not get them" data-testid="lane-keyless">
                  key-less
                </span>
              )}
            </dd>
          </>
        )}
      </dl>
      {status.why && <p className="lp-why">{status.why}</p>}
    </header>
  );
}

/**
 * A collapsible part of the panel; its summary line stays readable when it is folded. A new
 * `openSeq` opens it (during render, so what is inside can scroll into view in its effects).
 */
function PanelSection({ title, summary, testId, defaultOpen, openSeq, children }: { title: string; summary: ReactNode; testId: string; defaultOpen?: boolean; openSeq?: number | null; children: ReactNode }) {
  const [isOpen, setOpen] = useState(defaultOpen ?? false);
  const [seenSeq, setSeenSeq] = useState(openSeq ?? null);
  if ((openSeq ?? null) !== seenSeq) {
    setSeenSeq(openSeq ?? null);
    if (openSeq != null) setOpen(true);
  }
  return (
    <details className="lp-section" data-testid={testId} open={isOpen} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <span className="lp-section-title">{title}</span>
        {summary && <span className="lp-section-summary">{summary}</span>}
      </summary>
      <div className="lp-section-body">{children}</div>
    </details>
  );
}

function changesSummary(files: number, uncommitted: boolean): string {
  return `${count(files, 'file')}${uncommitted ? ', uncommitted edits' : ''}`;
}

/** The lane's newest job of these kinds (a running one is newer than any finished). */
function latestJob(jobs: readonly JobView[], lane: Lane, kinds: readonly JobView['job']['kind'][]): JobView | null {
  let latest: JobView | null = null;
  for (const j of jobs) if (j.job.repoId === lane.repoId && j.job.laneName === lane.name && kinds.includes(j.job.kind)) latest = j;
  return latest;
}
