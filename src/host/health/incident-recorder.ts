import type { MainHealth } from '../../shared/health';
import type { Incident, MainEdits } from '../../shared/incidents';
import type { Repo } from '../../shared/repo';
import type { EventLog } from '../events/event-log';
import { uuidv7 } from '../ids';
import type { MergeStore } from '../lanes/merge-store';
import type { Logger } from '../logger';
import type { RepoStore } from '../repos/repo-store';
import type { LastHealthy } from './health-history';
import { failedProbes, incidentChange } from './health-state';
import { commitsBetween } from './incident-commits';
import { describeRecovery } from './incident-recovery';
import type { IncidentStore } from './incident-store';

/**
 * Keeps the incident log in step with MAIN's health: opens an incident when MAIN turns
 * broken (the failing probes as they failed, MAIN's HEAD, when it was last healthy and what
 * reached it since), closes it when MAIN recovers (when, at which HEAD, and how), and says
 * so with `incident.updated` each time.
 *
 * Whether an incident is open is decided synchronously, as the health changes, so a quick
 * break-recover-break can never be misread; the git reads and the writes that follow run
 * in order per repository. The open incident is read back at start, so a host restart
 * while MAIN is broken keeps that incident instead of opening a second one.
 */
export interface IncidentRecorderDeps {
  incidents: IncidentStore;
  merges: Pick<MergeStore, 'list'>;
  repos: RepoStore;
  events: EventLog;
  logger: Logger;
  /** MAIN's uncommitted edits now (main-edits.ts, secrets masked); null when clean. */
  readEdits(repo: Repo): Promise<MainEdits | null>;
  now?: () => Date;
}

/** What the monitor knows besides the health itself. */
export interface HealthContext {
  /** MAIN's HEAD when the probes that decided the new health ran. */
  head: string | null;
  lastHealthy: LastHealthy | null;
}

/** Merges looked at to attribute commits; older ones cannot have brought what reached MAIN recently. */
const MERGES_CONSIDERED = 200;

export class IncidentRecorder {
  private readonly openIds = new Map<string, string>();
  private readonly work = new Map<string, Promise<void>>();

  constructor(private readonly deps: IncidentRecorderDeps) {}

  /** Picks up the repository's open incident, if a previous host left one. */
  resume(repoId: string): void {
    const open = this.deps.incidents.openOf(repoId);
    if (open) this.openIds.set(repoId, open.id);
  }

  forget(repoId: string): void {
    this.openIds.delete(repoId);
  }

  /** Reacts to a change of MAIN's health; says whether an incident opened or closed. */
  observe(repoId: string, prev: MainHealth, next: MainHealth, context: HealthContext): 'open' | 'close' | null {
    const openId = this.openIds.get(repoId) ?? null;
    const change = incidentChange(prev, next, openId !== null);
    const at = this.now().toISOString();
    if (change === 'open') {
      const id = uuidv7();
      this.openIds.set(repoId, id);
      // Every probe whose latest run failed, not only the one that crossed its threshold first.
      const probes = failedProbes(next).map((p) => ({ name: p.name, detail: p.last?.detail ?? 'failed', outputTail: p.last?.outputTail ?? '' }));
      this.enqueue(repoId, () => this.open({ id, repoId, at, probes, ...context }));
    } else if (change === 'close' && openId) {
      this.openIds.delete(repoId);
      this.enqueue(repoId, () => this.close(openId, at, context.head));
    }
    return change;
  }

  /** Resolves once every write queued so far is done (before the database closes). */
  async settle(): Promise<void> {
    await Promise.all([...this.work.values()]);
  }

  private async open(o: { id: string; repoId: string; at: string; probes: Incident['probes'] } & HealthContext): Promise<void> {
    const repo = this.deps.repos.get(o.repoId);
    if (!repo) return;
    const incident: Incident = {
      id: o.id,
      repoId: o.repoId,
      openedAt: o.at,
      closedAt: null,
      probes: o.probes,
      headAtOpen: o.head,
      lastHealthyAt: o.lastHealthy?.at ?? null,
      lastHealthyHead: o.lastHealthy?.head ?? null,
      commits: await this.commits(repo.mainPath, o.lastHealthy?.head ?? null, o.head, o.repoId),
      editsAtOpen: await this.edits(repo),
      recovery: null,
    };
    this.save(incident);
  }

  private async close(id: string, at: string, head: string | null): Promise<void> {
    const incident = this.deps.incidents.get(id);
    const repo = incident && this.deps.repos.get(incident.repoId);
    if (!incident || !repo) return;
    const merges = this.deps.merges.list(repo.id, MERGES_CONSIDERED);
    const added = await this.commits(repo.mainPath, incident.headAtOpen, head, repo.id, merges);
    const removed = await this.commits(repo.mainPath, head, incident.headAtOpen, repo.id, merges);
    const edits = await this.edits(repo);
    const how = describeRecovery({ headAtOpen: incident.headAtOpen, headNow: head, added, removed, merges, editsAtOpen: incident.editsAtOpen ?? null, editsNow: edits });
    this.save({ ...incident, closedAt: at, recovery: { at, head, how, commits: added, edits } });
  }

  private async commits(mainPath: string, base: string | null, head: string | null, repoId: string, merges = this.deps.merges.list(repoId, MERGES_CONSIDERED)): Promise<Incident['commits']> {
    try {
      return await commitsBetween(mainPath, base, head, merges);
    } catch (e) {
      this.deps.logger.warn('cannot read what reached MAIN', { repo: mainPath, error: (e as Error).message });
      return [];
    }
  }

  private async edits(repo: Repo): Promise<MainEdits | null> {
    try {
      return await this.deps.readEdits(repo);
    } catch (e) {
      this.deps.logger.warn("cannot read MAIN's uncommitted edits", { repo: repo.mainPath, error: (e as Error).message });
      return null;
    }
  }

  private save(incident: Incident): void {
    this.deps.incidents.save(incident);
    this.deps.events.append({ type: 'incident.updated', incident });
  }

  private enqueue(repoId: string, task: () => Promise<void>): void {
    const previous = this.work.get(repoId) ?? Promise.resolve();
    const next = previous
      .then(task)
      .catch((e: unknown) => this.deps.logger.warn('cannot record the incident', { repoId, error: (e as Error).message }));
    this.work.set(repoId, next);
    void next.then(() => {
      if (this.work.get(repoId) === next) this.work.delete(repoId);
    });
  }

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }
}
