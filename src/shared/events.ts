import { z } from 'zod';
import { AgentInfo } from './agents';
import { MainHealth } from './health';
import { Incident } from './incidents';
import { Notification, NotificationSettings } from './notifications';
import { OpsLoop } from './ops';
import { Job } from './jobs';
import { Lane, MainState, MergeRecord } from './lanes';
import { Repo } from './repo';
import { CommandChange } from './trust';
import { BriefEntry, BriefSummary } from './briefs';
import { Dispatch } from './dispatch';
import { SyncStatus } from './sync';

/**
 * Everything the host announces. Each event lives in one numbered stream per host data dir:
 * `seq` grows by one per event and survives host restarts (events are stored), so a client
 * that reconnects asks for everything after the last `seq` it saw.
 */
export const HostEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('host.started'),
    version: z.string(),
    pid: z.number().int(),
  }),
  z.object({ type: z.literal('host.stopping'), reason: z.string() }),
  z.object({ type: z.literal('repo.added'), repo: Repo }),
  z.object({ type: z.literal('repo.removed'), id: z.string() }),
  /** A repository's record changed: it was trusted, or its commands are no longer the trusted ones. */
  z.object({ type: z.literal('repo.updated'), repo: Repo }),
  /** grove.yaml's commands changed since they were trusted (once per new digest): Grove stopped running them. */
  z.object({ type: z.literal('repo.commandsChanged'), repoId: z.string(), digest: z.string(), changes: z.array(CommandChange) }),
  z.object({ type: z.literal('lane.created'), lane: Lane }),
  z.object({ type: z.literal('lane.removed'), id: z.string(), archiveRef: z.string().nullable() }),
  /** A lane's status, setup, port or serving changed. */
  z.object({ type: z.literal('lane.updated'), lane: Lane }),
  /** A lane's HEAD commit or index changed (a commit, amend, reset or `git add`, in or outside Grove): a shown diff is stale. */
  z.object({ type: z.literal('lane.head'), id: z.string(), repoId: z.string(), head: z.string().nullable() }),
  /** A long lane operation began; its steps and output follow as job.step and job.output. */
  z.object({ type: z.literal('job.started'), job: Job }),
  z.object({ type: z.literal('job.step'), jobId: z.string(), index: z.number().int(), total: z.number().int(), title: z.string() }),
  /** Output of the job's commands, in order, in chunks of at most 16 KiB. */
  z.object({ type: z.literal('job.output'), jobId: z.string(), data: z.string() }),
  z.object({ type: z.literal('job.finished'), jobId: z.string(), ok: z.boolean(), message: z.string() }),
  z.object({ type: z.literal('merge.updated'), merge: MergeRecord }),
  /** MAIN's HEAD moved, or it got (or lost) uncommitted edits. */
  z.object({ type: z.literal('main.state'), state: MainState }),
  /** MAIN's health changed (a probe ran with a new outcome, or grove.yaml's probes changed). */
  z.object({ type: z.literal('health.updated'), repoId: z.string(), health: MainHealth }),
  /** An incident opened, closed, or learned more (what reached MAIN, how it recovered). */
  z.object({ type: z.literal('incident.updated'), incident: Incident }),
  /** Something to show the operator now (unless `quiet`); see src/shared/notifications.ts. */
  z.object({ type: z.literal('notification'), notification: Notification }),
  /** Notifications were paused or resumed, or their escalation changed. */
  z.object({ type: z.literal('notifications.settings'), settings: NotificationSettings }),
  /** The operator marked these notifications read (notifications.markRead). */
  z.object({ type: z.literal('notifications.read'), ids: z.array(z.string()), readAt: z.string() }),
  /** A repository's ops loop started, moved its checkout, or was removed (`loop` null). */
  z.object({ type: z.literal('ops.updated'), repoId: z.string(), loop: OpsLoop.nullable() }),
  /** Any change of an agent's supervision, activity or context. */
  z.object({ type: z.literal('agent.updated'), agent: AgentInfo }),
  z.object({ type: z.literal('agent.removed'), id: z.string() }),
  /** Something the operator must hear about (an agent went fatal, context is near its limit). */
  z.object({
    type: z.literal('alert'),
    agentId: z.string().nullable(),
    message: z.string(),
    /** Set when the alert is about a repository (MAIN edited outside Grove, a merge rolled back). */
    repoId: z.string().nullable().optional(),
  }),
  /** The operator acknowledged these alerts (by their events' seqs); the envelope's `at` is when. */
  z.object({ type: z.literal('alerts.acknowledged'), seqs: z.array(z.number().int().positive()) }),
  /**
   * A brief gained entries (in order of arrival), and `replaced` holds earlier entries as they
   * now read (a redaction's tombstone); `brief` is its state after them. See docs/briefs.md.
   */
  /** A dispatch was made, or moved on (waiting → queued → starting → running → finished). */
  z.object({ type: z.literal('dispatch.updated'), dispatch: Dispatch }),
  /** Sync's state moved (a round done, the shared store lost or back, configured or turned off). */
  z.object({ type: z.literal('sync.status'), status: SyncStatus }),
  z.object({ type: z.literal('brief.changed'), brief: BriefSummary, entries: z.array(BriefEntry), replaced: z.array(BriefEntry) }),
]);
export type HostEvent = z.infer<typeof HostEvent>;

export const EventEnvelope = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  event: HostEvent,
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;
