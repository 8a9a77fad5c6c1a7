import type { Actor, Brief } from '../../shared/briefs';
import type { Dispatch } from '../../shared/dispatch';
import type { EventEnvelope } from '../../shared/events';
import type { Incident } from '../../shared/incidents';
import type { CommitSummary, MergeRecord } from '../../shared/lanes';
import { ok } from '../../shared/result';
import type { BriefService, HostDraft } from '../briefs/brief-service';
import { uuidv7 } from '../ids';
import type { Logger } from '../logger';

/**
 * The trace fills itself: what a dispatched lane produced is linked to its brief by
 * `system` — each new commit on the lane's branch, the gated merge and its outcome (merged,
 * or rolled back with the gate's output), and an incident whose commits came through that
 * lane. A good merge moves the brief on (grove.yaml `dispatch.onMerge`) and ends the claim.
 * Links are keyed by their target, so an event told twice links once.
 */
export interface AutoLinkDeps {
  briefs: BriefService;
  /** The latest dispatch whose work happened in this lane (by id, or by repository and name once the lane is gone). */
  dispatchOfLane(repoId: string, lane: { id: string | null; name: string }): Dispatch | null;
  /** The brief a merge was linked to (by this auto-linker), among the dispatches to the lane it merged (by name: it may be gone). */
  briefOfMerge(repoId: string, mergeId: string, laneName: string): string | null;
  lanePath(laneId: string): string | null;
  mainPath(repoId: string): string | null;
  /** Commits on the lane and not on MAIN, newest first. */
  ahead(lanePath: string, mainPath: string): Promise<CommitSummary[]>;
  onMerge(repoId: string): 'in_review' | 'done';
  /** The claim that dispatch (or its agent) holds on the brief, released; another's is kept. */
  releaseClaim(briefId: string, dispatch: Dispatch, reason: string): void;
  mask(text: string): string;
  logger: Logger;
}

const SYSTEM: Actor = { kind: 'system', name: 'auto-link' };
const GATE_OUTPUT_CHARS = 4000;

export class AutoLinker {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AutoLinkDeps) {}

  /** Events arrive from several sources at once; they are handled one at a time, in order. */
  onEvent({ event }: EventEnvelope): void {
    if (event.type === 'lane.head') this.enqueue(() => this.linkCommits(event.repoId, event.id));
    else if (event.type === 'dispatch.updated' && event.dispatch.state === 'finished' && event.dispatch.targetLaneId !== null) this.enqueue(() => this.linkLastCommits(event.dispatch));
    else if (event.type === 'merge.updated') this.enqueue(() => this.merge(event.merge));
    else if (event.type === 'incident.updated') this.enqueue(() => this.incident(event.incident));
  }

  /** Resolves once everything told so far is linked (tests, shutdown). */
  settled(): Promise<void> {
    return this.queue;
  }

  private enqueue(fn: () => Promise<void> | void): void {
    this.queue = this.queue.then(fn).catch((e: unknown) => this.deps.logger.warn('auto-link failed', { error: e instanceof Error ? e.stack : String(e) }));
  }

  /**
   * A lane's HEAD moved: its commits ahead of MAIN are linked to the brief of the dispatch at
   * work there. In a standing lane, only those dated from the dispatch's start: the lane's
   * unmerged work from before (an earlier brief's) is not this brief's.
   */
  private async linkCommits(repoId: string, laneId: string): Promise<void> {
    const d = this.deps.dispatchOfLane(repoId, { id: laneId, name: '' });
    if (!d || d.state === 'cancelled' || d.state === 'failed') return;
    const since = d.targetLaneId !== null && d.startedAt !== null ? { from: wholeSecond(d.startedAt), until: Number.POSITIVE_INFINITY } : null;
    await this.linkAhead(d, laneId, since);
  }

  /**
   * A dispatch in a standing lane has finished: the commits its agent made just before it
   * ended are linked now, since the lane's HEAD may be read only after that end, when the lane
   * no longer counts as the dispatch's (an agent that commits and exits at once). Only commits
   * dated within its run count (the same record told again later, by a redaction masking it,
   * links nothing new): the lane's work before it or after it is not its. Dates are the
   * commits' author dates, which git keeps through a rebase or an amend.
   */
  private async linkLastCommits(d: Dispatch): Promise<void> {
    if (!d.laneId || d.startedAt === null || d.endedAt === null) return;
    await this.linkAhead(d, d.laneId, { from: wholeSecond(d.startedAt), until: wholeSecond(d.endedAt) + 999 });
  }

  /** Links the lane's commits ahead of MAIN (dated within `run`, when given) to the dispatch's brief. */
  private async linkAhead(d: Dispatch, laneId: string, run: { from: number; until: number } | null = null): Promise<void> {
    const lanePath = this.deps.lanePath(laneId);
    const mainPath = this.deps.mainPath(d.repoId);
    if (!lanePath || !mainPath) return;
    const within = (c: CommitSummary): boolean => run === null || (Date.parse(c.date) >= run.from && Date.parse(c.date) <= run.until);
    const commits = (await this.deps.ahead(lanePath, mainPath)).reverse().filter(within);
    this.write(d.briefId, (brief) =>
      commits
        .filter((c) => !hasLink(brief, 'commit', c.sha))
        .map((c) => link('commit', c.sha, c.subject.slice(0, 100) || null)),
    );
  }

  private async merge(m: MergeRecord): Promise<void> {
    const d = this.deps.dispatchOfLane(m.repoId, { id: m.laneId, name: m.laneName });
    if (!d) return;
    if (m.state === 'gating') {
      // The lane may go with the merge: its last commits are linked before it does.
      if (m.laneId) await this.linkCommits(m.repoId, m.laneId);
      return;
    }
    if (m.state === 'merged') {
      const to = this.deps.onMerge(m.repoId);
      this.write(d.briefId, (brief) => {
        if (hasLink(brief, 'merge', m.id)) return [];
        const drafts: HostDraft[] = [link('merge', m.id, `merged into MAIN (${m.mainAfter.slice(0, 10)})`)];
        if (brief.status !== to && brief.status !== 'done' && brief.status !== 'cancelled') {
          drafts.push({ kind: 'status_change', payload: { from: brief.status, to, reason: `${m.laneName} merged through the gate (${m.mainAfter.slice(0, 10)})` } });
        }
        return drafts;
      });
      // Not the lane's name: a dispatch's lane is named from the title, and a claim entry
      // cannot be redacted (it holds nothing anyone typed); the merge link names the lane's work.
      this.deps.releaseClaim(d.briefId, d, `its lane was merged into MAIN (${m.mainAfter.slice(0, 10)})`);
      return;
    }
    if (m.state === 'rolled-back' || m.state === 'awaiting-rollback') {
      const label = m.state === 'rolled-back' ? 'merge rolled back by the gate' : 'merge failed the gate; awaiting rollback';
      this.write(d.briefId, (brief) => {
        if (brief.links.some((l) => l.type === 'merge' && l.target === m.id && l.label === label)) return [];
        const output = this.deps.mask(m.gateOutput ?? '').slice(-GATE_OUTPUT_CHARS).trim();
        return [
          link('merge', m.id, label),
          { kind: 'note', payload: { text: `The gate refused the merge of ${m.laneName}; MAIN ${m.state === 'rolled-back' ? 'was rolled back to' : 'stays at'} ${m.mainBefore.slice(0, 10)} ${m.state === 'rolled-back' ? '' : 'until the operator rolls back'}.${output ? `\n\nGate output (tail):\n\`\`\`\n${output}\n\`\`\`` : ''}` } },
        ];
      });
    }
  }

  /** An incident's commits name the Grove merge that brought them: the brief that merge is linked to gets the incident. */
  private incident(i: Incident): void {
    const merges = new Map<string, string>();
    for (const c of i.commits) if (c.via) merges.set(c.via.mergeId, c.via.laneName);
    for (const [mergeId, laneName] of merges) {
      const briefId = this.deps.briefOfMerge(i.repoId, mergeId, laneName);
      if (!briefId) continue;
      this.write(briefId, (brief) => (hasLink(brief, 'incident', i.id) ? [] : [link('incident', i.id, `MAIN broke after ${laneName} merged`)]));
    }
  }

  private write(briefId: string, drafts: (brief: Brief) => HostDraft[]): void {
    const written = this.deps.briefs.record(briefId, (brief) => ok(drafts(brief)), SYSTEM, 'automatic');
    if (!written.ok) this.deps.logger.warn('auto-link write refused', { briefId, error: written.error.message });
  }
}

function hasLink(brief: Brief, type: string, target: string): boolean {
  return brief.links.some((l) => l.type === type && l.target === target);
}

function link(type: 'commit' | 'merge' | 'incident', target: string, label: string | null): HostDraft {
  return { kind: 'link_added', payload: { linkId: uuidv7(), type, target, label: label === null ? null : label.slice(0, 100) } };
}

/** Commit dates have whole seconds: a commit in the second a run started or ended counts as in it. */
const wholeSecond = (iso: string): number => Math.floor(Date.parse(iso) / 1000) * 1000;
