import { z } from 'zod';
import { HOOK_EVENTS } from './hook-events';
import { AgentInfo, Confinement, StartAgentParams } from './agents';
import { EventEnvelope } from './events';
import { JobState } from './jobs';
import { RepoConfig } from './config';
import { MainHealth } from './health';
import { HealthTimeline, Incident } from './incidents';
import { MAX_ESCALATE_AFTER_MINUTES, Notification, NotificationSettings } from './notifications';
import { OpsLoop, OpsStatus } from './ops';
import { Lane, LaneDiff, LaneNetwork, MainState, MergeCheck, MergeRecord, ResolvedLanePath } from './lanes';
import { HostStatus } from './host-status';
import { Repo } from './repo';
import { AcknowledgeAlertsParams, Alert } from './alerts';
import { RepoCommands } from './trust';
import { DirectoryListing } from './directories';
import { Claim, Dispatch, DispatchParams, DispatchState, Packet } from './dispatch';
import { SyncPassword, SyncStatus, SyncTls, SyncUrl } from './sync';
import {
  Brief,
  BriefAction,
  BriefEntry,
  BriefRef,
  BriefSummary,
  CallerChannel,
  ListBriefsParams,
  MAX_TRACE_PAGE,
  NewBrief,
  Recall,
} from './briefs';

/**
 * The one table of API methods: each method's params and result schema. The host routes
 * and validates from this table; clients type their calls from it. Adding a capability
 * means adding rows here.
 */
const NoParams = z.object({}).strict();
const AgentId = z.object({ id: z.string().min(1).max(200) }).strict();
const AgentResult = z.object({ agent: AgentInfo });
const LaneId = z.object({ id: z.string().min(1).max(200) }).strict();
const RepoId = z.object({ repoId: z.string().min(1).max(200) }).strict();

/**
 * Who may call a method: the operator's token (default), an agent's own token, or either
 * (`any`: the handler decides what an agent may see, e.g. only its own ops loop).
 */
export type Access = 'operator' | 'agent' | 'any';

/** POSIX `/…` or Windows `C:\…`; the host never guesses what a relative path meant. */
export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);
}

/** Cap for one page of events; a client pages with `since`. */
export const MAX_EVENTS_PAGE = 1000;

export const methods = {
  'host.status': { params: NoParams, result: HostStatus },
  /** A single-use code that lets a browser in at /auth?code=…, valid for 10 minutes. */
  'auth.loginCode': {
    params: NoParams,
    result: z.object({ code: z.string(), expiresAt: z.string(), loginUrl: z.string() }),
  },
  /** Logs every browser out (their session cookies stop working). */
  'auth.revokeSessions': { params: NoParams, result: z.object({ revoked: z.literal(true) }) },
  'repos.list': { params: NoParams, result: z.object({ repos: z.array(Repo) }) },
  'repos.add': {
    params: z
      .object({
        path: z
          .string()
          .min(1, 'path is empty: give the absolute path of the repository\'s MAIN checkout')
          .max(4096)
          .refine((p) => !p.includes('\0'), 'path contains a NUL character')
          .refine(isAbsolutePath, 'path must be absolute (the CLI resolves relative paths for you)'),
      })
      .strict(),
    result: z.object({ repo: Repo }),
  },
  /**
   * Directory names that complete a typed path, for the add-a-repository field: names only
   * (never files, contents or sizes), each marked when it is a git checkout. See docs/protocol.md.
   */
  'fs.directories': {
    params: z
      .object({
        prefix: z
          .string()
          .min(1, 'prefix is empty: type an absolute path such as /home/you/ (or ~/)')
          .max(4096)
          .refine((p) => !p.includes('\0'), 'prefix contains a NUL character')
          .refine((p) => isAbsolutePath(p) || p === '~' || p.startsWith('~/'), 'prefix must be absolute (start with / or ~/)'),
      })
      .strict(),
    result: DirectoryListing,
  },
  'repos.remove': {
    params: z.object({ id: z.string().min(1).max(200) }).strict(),
    result: z.object({ removed: z.literal(true) }),
  },
  /** Lanes of one repository (or all), reconciled with `git worktree list` and the disk. */
  'lanes.list': {
    params: z.object({ repoId: z.string().min(1).max(200).optional() }).strict(),
    result: z.object({ lanes: z.array(Lane) }),
  },
  /** A new worktree beside MAIN, for a new branch from MAIN's HEAD or an existing branch. */
  'lanes.create': {
    params: z
      .object({
        repoId: z.string().min(1).max(200),
        name: z.string().min(1).max(200),
        branch: z.string().min(1).max(200).optional(),
        ephemeral: z.boolean().optional(),
        /** Default: grove.yaml's lanes.keyless, else false. */
        keyless: z.boolean().optional(),
        /** Create it without the repository's recipe (no copy, link or setup commands, lanes beside MAIN): the way to make a lane in an untrusted repository. */
        withoutRecipes: z.boolean().optional(),
        /** Its confined agents' network; default: the repository's (grove.yaml's lanes.network, else open). */
        network: LaneNetwork.optional(),
      })
      .strict(),
    result: z.object({ lane: Lane }),
  },
  /** Sets the lane's own network (null: back to the repository's); each agent takes it at its next start. */
  'lanes.setNetwork': {
    params: z.object({ id: z.string().min(1).max(200), network: LaneNetwork.nullable() }).strict(),
    result: z.object({ lane: Lane }),
  },
  /** Takes a worktree made outside Grove under Grove's care (it gets a port block, no setup is run). */
  'lanes.adopt': {
    params: z
      .object({
        repoId: z.string().min(1).max(200),
        path: z.string().min(1).max(4096).refine(isAbsolutePath, 'path must be absolute'),
        name: z.string().min(1).max(200).optional(),
        ephemeral: z.boolean().optional(),
      })
      .strict(),
    result: z.object({ lane: Lane }),
  },
  /** The lane's changes against MAIN, uncommitted edits included; the lane's index is not touched. */
  'lanes.diff': { params: LaneId, result: z.object({ diff: LaneDiff }) },
  /**
   * What a path printed in a lane's terminal names: its path relative to the lane, whether it
   * exists and is a file, and whether it is among the lane's changes against MAIN. Only that,
   * never content; a path that resolves outside the lane (through `..`, an absolute path or a
   * symlink) is refused with `path_outside_lane`. See docs/protocol.md.
   */
  'lanes.resolvePath': {
    params: z
      .object({
        laneId: z.string().min(1).max(200).optional(),
        lanePath: z.string().min(1).max(4096).refine(isAbsolutePath, 'lanePath must be absolute').optional(),
        path: z
          .string()
          .min(1, 'path is empty: give the path as the terminal printed it')
          .max(4096)
          .refine((p) => !p.includes('\0'), 'path contains a NUL character'),
      })
      .strict()
      .refine((p) => (p.laneId === undefined) !== (p.lanePath === undefined), 'give the lane by laneId or by lanePath (one of them)'),
    result: ResolvedLanePath,
  },
  /** Rebases the lane's branch onto MAIN after writing a recovery ref; aborts by itself on a conflict. */
  'lanes.rebase': { params: LaneId, result: z.object({ head: z.string(), recoveryRef: z.string() }) },
  /**
   * The single way into MAIN: preflight (clean, ahead, no conflicts, the lane's check), then
   * the merge under the repository lock with a recovery ref, then MAIN's gate; a failing gate
   * rolls MAIN back. `dryRun` runs the preflight only. `commitMessage` first commits the
   * lane's uncommitted edits (all of them) with that message.
   */
  'lanes.merge': {
    params: z
      .object({
        id: z.string().min(1).max(200),
        dryRun: z.boolean().optional(),
        commitMessage: z.string().min(1).max(10000).optional(),
      })
      .strict(),
    result: z.object({ checks: z.array(MergeCheck), merge: MergeRecord.nullable(), laneRemoved: z.boolean() }),
  },
  /** Serves the lane (grove.yaml's serve recipe) or stops serving it. */
  'lanes.serve': {
    params: z.object({ id: z.string().min(1).max(200), on: z.boolean() }).strict(),
    result: z.object({ lane: Lane }),
  },
  'merges.list': {
    params: z.object({ repoId: z.string().min(1).max(200).optional() }).strict(),
    result: z.object({ merges: z.array(MergeRecord) }),
  },
  /**
   * Rolls MAIN back to the merge's recovery ref (for `merge.rollback: ask`). `keptRef`: where
   * the undone merge is kept (MAIN's head before the rollback), the merged work also when its lane is gone.
   */
  'merges.rollback': { params: z.object({ id: z.string().min(1).max(200) }).strict(), result: z.object({ merge: MergeRecord, keptRef: z.string() }) },
  /** The repository's effective grove.yaml (with the user's overrides) and its problems. */
  'repos.config': { params: RepoId, result: RepoConfig },
  /** Every command grove.yaml would run, their digest, and whether (and how) they differ from the trusted ones. */
  'repos.commands': { params: RepoId, result: RepoCommands },
  /** Trusts the commands with this digest (the one `repos.commands` showed); refused when they changed since. */
  'repos.trust': {
    params: z.object({ repoId: z.string().min(1).max(200), digest: z.string().regex(/^[0-9a-f]{64}$/, 'digest is the 64 hex digits repos.commands answers') }).strict(),
    result: z.object({ repo: Repo, commands: RepoCommands }),
  },
  /** What MAIN's watcher sees now. */
  'repos.mainState': { params: RepoId, result: z.object({ state: MainState }) },
  /** Installs or removes MAIN's pre-commit guard (MAIN only; lanes are unaffected). */
  'repos.guard': {
    params: z.object({ repoId: z.string().min(1).max(200), preCommit: z.boolean() }).strict(),
    result: z.object({ state: MainState }),
  },
  /** MAIN's health per repository, from grove.yaml's probes. */
  'health.get': {
    params: z.object({ repoId: z.string().min(1).max(200).optional() }).strict(),
    result: z.object({ repos: z.array(z.object({ repoId: z.string(), health: MainHealth })) }),
  },
  /**
   * MAIN's timeline for an uptime bar: its state over [from, to] (default: the last 24 hours)
   * and the latest probe runs (default 50).
   */
  'health.history': {
    params: z
      .object({
        repoId: z.string().min(1).max(200),
        from: z.iso.datetime().optional(),
        to: z.iso.datetime().optional(),
        runs: z.number().int().min(0).max(2000).optional(),
      })
      .strict(),
    result: z.object({ timeline: HealthTimeline }),
  },
  /** Incidents, newest first: the open one (if any) and the closed ones kept. */
  'incidents.list': {
    params: z.object({ repoId: z.string().min(1).max(200).optional(), limit: z.number().int().min(1).max(500).optional() }).strict(),
    result: z.object({ incidents: z.array(Incident) }),
  },
  'incidents.get': { params: z.object({ id: z.string().min(1).max(200) }).strict(), result: z.object({ incident: Incident }) },
  /** The latest notifications, newest first (quiet ones included). */
  'notifications.list': {
    params: z.object({ limit: z.number().int().min(1).max(500).optional() }).strict(),
    result: z.object({ notifications: z.array(Notification), settings: NotificationSettings }),
  },
  /** Pauses notifications for `minutes`, or until resumed when omitted; they are still listed, marked quiet. */
  'notifications.pause': {
    params: z.object({ minutes: z.number().int().min(1).max(7 * 24 * 60).optional() }).strict(),
    result: z.object({ settings: NotificationSettings }),
  },
  'notifications.resume': { params: NoParams, result: z.object({ settings: NotificationSettings }) },
  /**
   * Marks notifications read for every client: those named, or all unread ones when `ids` is
   * left out. Answers with the ids it marked (already read ones are not marked again).
   */
  'notifications.markRead': {
    params: z.object({ ids: z.array(z.string().min(1).max(200)).min(1).max(500).optional() }).strict(),
    result: z.object({ ids: z.array(z.string()), readAt: z.string() }),
  },
  /** Changes the notification settings that are not the pause: the escalation's delay (0 = off; minutes, fractions allowed). */
  'notifications.configure': {
    params: z.object({ escalateAfterMinutes: z.number().min(0).max(MAX_ESCALATE_AFTER_MINUTES) }).strict(),
    result: z.object({ settings: NotificationSettings }),
  },
  /** Each repository's ops loop, if it has one. */
  'ops.list': {
    params: z.object({ repoId: z.string().min(1).max(200).optional() }).strict(),
    result: z.object({ loops: z.array(OpsLoop) }),
  },
  /**
   * Starts the repository's ops loop (grove.yaml's `ops`, or `command` given here): makes its
   * checkout and a supervised agent that restarts with backoff and survives host restarts.
   * Starting one that exists starts its agent again if it is not running.
   */
  'ops.start': {
    params: z.object({ repoId: z.string().min(1).max(200), command: z.string().min(1).max(65536).optional() }).strict(),
    result: z.object({ loop: OpsLoop }),
  },
  /**
   * What `grove ops status` shows: each loop with its agent and its status file as last
   * written. Callable with the ops loop agent's own token, which sees its own loop only.
   */
  'ops.status': {
    access: 'any',
    params: z.object({ repoId: z.string().min(1).max(200).optional() }).strict(),
    result: z.object({ loops: z.array(z.object({ loop: OpsLoop, repoName: z.string(), agent: AgentInfo.nullable(), status: OpsStatus.nullable() })) }),
  },
  /** Stops the ops agent and removes the loop; its worktree is removed only if nothing would be lost. */
  'ops.stop': { params: RepoId, result: z.object({ removed: z.literal(true), checkoutKept: z.string().nullable() }) },
  /** The operator accepts MAIN as it is now: commits that bypassed Grove stop being reported. */
  'repos.acceptMain': { params: RepoId, result: z.object({ state: MainState }) },
  /**
   * Removes a lane's worktree (its branch is kept) only if nothing would be lost; with
   * `archive`, everything is first snapshotted to refs/grove/archive/<lane>/<time>.
   */
  'lanes.remove': {
    params: z.object({ id: z.string().min(1).max(200), archive: z.boolean().optional() }).strict(),
    result: z.object({
      removed: z.literal(true),
      archiveRef: z.string().nullable(),
      recoveryRef: z.string().nullable(),
      /** Archived: the copy of the lane's files git ignores (not whole ignored folders), in the data dir. */
      keptIgnored: z.object({ dir: z.string(), files: z.array(z.string()) }).nullable(),
    }),
  },
  'agents.list': { params: NoParams, result: z.object({ agents: z.array(AgentInfo) }) },
  'agents.start': { params: StartAgentParams, result: AgentResult },
  /** What agents.start would run, checked the same way; secrets in the environment masked. */
  'agents.preview': {
    params: StartAgentParams,
    result: z.object({
      command: z.string(),
      args: z.array(z.string()),
      env: z.array(z.object({ name: z.string(), value: z.string(), masked: z.boolean() })),
      /** Withheld variables that the agent would otherwise have had. */
      withheld: z.array(z.string()),
      /** How it would run: confined, or not and why. */
      confinement: Confinement,
    }),
  },
  /** Stops the agent and every process it started (SIGINT, SIGTERM, then SIGKILL). */
  'agents.stop': { params: AgentId, result: AgentResult },
  'agents.restart': { params: AgentId, result: AgentResult },
  /** Starts a stopped or lost agent again, resuming its conversation where the preset can. */
  'agents.resume': { params: AgentId, result: AgentResult },
  /** Stops the agent and starts a fresh conversation in the same lane with a handoff prompt. */
  'agents.recycle': {
    params: z.object({ id: z.string().min(1).max(200), handoff: z.string().max(65536).optional() }).strict(),
    result: AgentResult,
  },
  /** Forgets a stopped agent and deletes its scrollback. */
  'agents.remove': { params: AgentId, result: z.object({ removed: z.literal(true) }) },
  /**
   * Keystrokes or pasted text, in order. `more`: a piece of a larger paste, held on this
   * socket and written with the piece that comes without it, all at once or (the socket
   * closed, the agent stopped) not at all. WebSocket only.
   */
  'agents.input': {
    params: z.object({ id: z.string().min(1).max(200), data: z.string().min(1).max(512 * 1024), more: z.boolean().optional() }).strict(),
    result: z.object({ accepted: z.number().int() }),
  },
  'agents.resize': {
    params: z.object({ id: z.string().min(1).max(200), cols: z.number().int().min(2).max(1000), rows: z.number().int().min(2).max(1000) }).strict(),
    result: z.object({ cols: z.number().int(), rows: z.number().int() }),
  },
  /** Output bytes from `since` (an offset), for clients that do not stream (base64). */
  'agents.output': {
    params: z.object({ id: z.string().min(1).max(200), since: z.number().int().nonnegative(), limit: z.number().int().min(1).max(4 * 1024 * 1024).optional() }).strict(),
    result: z.object({ from: z.number().int(), end: z.number().int(), gap: z.boolean(), data: z.string() }),
  },
  /**
   * WebSocket only: stream the agent's output from `since` (default: the retained tail).
   * `jump: true` lets the host skip a client that falls too far behind to a restart point near
   * the end (a `jump` frame); without it every byte is sent, paced by the client's acks.
   */
  'agents.attach': {
    params: z.object({ id: z.string().min(1).max(200), since: z.number().int().nonnegative().optional(), jump: z.boolean().optional() }).strict(),
    result: z.object({ from: z.number().int(), end: z.number().int(), gap: z.boolean() }),
  },
  'agents.detach': { params: AgentId, result: z.object({ detached: z.boolean() }) },
  /** Called by Grove's hooks inside an agent, with that agent's own token. */
  'agents.report': {
    access: 'agent',
    params: z
      .object({
        event: z.enum(HOOK_EVENTS),
        detail: z.string().max(1000).optional(),
        /** Where the CLI says its transcript is (Claude Code hands it to every hook). */
        transcriptPath: z.string().max(4096).optional(),
      })
      .strict(),
    result: z.object({ recorded: z.boolean() }),
  },
  /**
   * The latest lane jobs, oldest first, as their events left them (output: its tail), and the
   * seq they were read at: a client loads them, then applies the `job.*` events after it.
   */
  'jobs.list': {
    params: z.object({ limit: z.number().int().min(1).max(200).optional() }).strict(),
    result: z.object({ jobs: z.array(JobState), latestSeq: z.number().int().nonnegative() }),
  },
  /** Answers, then stops the host cleanly (agents stopped, store closed, lock released), as SIGTERM does. */
  'host.stop': { params: NoParams, result: z.object({ stopping: z.literal(true), pid: z.number().int() }) },
  /** The latest alerts, newest first (they are `alert` events; kept as long as the events are). */
  'alerts.list': {
    params: z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
    result: z.object({ alerts: z.array(Alert) }),
  },
  /**
   * The operator saw these alerts (or all of them): they stay listed, marked acknowledged,
   * across reloads and restarts. Answers the seqs newly acknowledged (unknown and already
   * acknowledged ones are left out); an `alerts.acknowledged` event tells every client.
   */
  'alerts.acknowledge': {
    params: AcknowledgeAlertsParams,
    result: z.object({ acknowledged: z.array(z.number().int().positive()), at: z.string().nullable() }),
  },
  /**
   * The agent's screen as text, as a terminal of its size shows it now: its retained output
   * replayed into a headless terminal (cursor moves and redraws applied, colours dropped).
   */
  'agents.screen': {
    params: AgentId,
    result: z.object({ text: z.string(), cols: z.number().int(), rows: z.number().int(), end: z.number().int() }),
  },
  /** Briefs, newest activity first, filtered and searched; page on with `nextCursor`. Agents may call it. */
  'briefs.list': {
    params: ListBriefsParams,
    result: z.object({ briefs: z.array(BriefSummary), nextCursor: z.string().nullable() }),
    access: 'any',
  },
  /** A brief's state and a page of its trace, newest first (older pages with `before`: the last entry's seq). */
  'briefs.get': {
    params: z
      .object({ ref: BriefRef, before: z.number().int().positive().optional(), limit: z.number().int().min(1).max(MAX_TRACE_PAGE).optional() })
      .strict(),
    result: z.object({ brief: Brief, trace: z.array(BriefEntry), total: z.number().int(), hasOlder: z.boolean() }),
    access: 'any',
  },
  'briefs.create': { params: NewBrief, result: z.object({ brief: Brief, entries: z.array(BriefEntry) }) },
  /**
   * One change to a brief, as an entry of its trace. `expectedVersion` makes it conditional on
   * nobody having written since (brief_version_conflict otherwise). Agents may call it for
   * what docs/briefs.md lists.
   */
  'briefs.append': {
    params: z
      .object({ ref: BriefRef, action: BriefAction, expectedVersion: z.number().int().nonnegative().optional(), via: CallerChannel.optional() })
      .strict(),
    result: z.object({ brief: Brief, entries: z.array(BriefEntry) }),
    access: 'any',
  },
  /** Replaces an entry's content by a tombstone (operator only); the redaction is itself an entry. */
  'briefs.redact': {
    params: z
      .object({
        ref: BriefRef,
        entryId: z.string().min(1).max(200),
        reason: z.string().trim().min(1, 'reason is empty: say why the entry is redacted').max(2000),
        via: CallerChannel.optional(),
      })
      .strict(),
    result: z.object({ brief: Brief, entries: z.array(BriefEntry), redacted: BriefEntry }),
  },
  /** The agent's-eye payload (the same text the UI shows and the MCP tool returns). */
  'briefs.recall': {
    params: z.object({ ref: BriefRef, sinceEntry: z.string().min(1).max(200).optional(), via: CallerChannel.optional() }).strict(),
    result: Recall,
    access: 'any',
  },
  /** Every entry of the store after `afterSeq`, oldest first: `grove brief export`. */
  'briefs.export': {
    params: z.object({ afterSeq: z.number().int().nonnegative().optional(), limit: z.number().int().min(1).max(MAX_TRACE_PAGE).optional() }).strict(),
    result: z.object({ entries: z.array(BriefEntry), nextAfterSeq: z.number().int().nullable() }),
  },
  /** Entries exported elsewhere, applied in order; entries already here are skipped (importing twice changes nothing). */
  'briefs.import': {
    params: z.object({ entries: z.array(BriefEntry).min(1).max(MAX_TRACE_PAGE) }).strict(),
    result: z.object({
      imported: z.number().int(),
      skipped: z.number().int(),
      renumbered: z.array(z.object({ briefId: z.string(), from: z.number().int(), to: z.number().int() })),
    }),
  },
  /**
   * Asks an agent to do a brief (docs/mcp.md, Dispatch): writes a `dispatch requested`
   * entry, then (now, or when the brief is ready and the project has room) makes the lane
   * and starts the agent with the packet as its first prompt.
   */
  'dispatch.create': { params: DispatchParams, result: z.object({ dispatch: Dispatch, packet: Packet }) },
  /** Dispatches, newest first: open ones (waiting, queued, starting, running) unless `ref`, `laneId` or `state` says otherwise. */
  'dispatch.list': {
    params: z
      .object({
        ref: BriefRef.optional(),
        /** Only the dispatches that worked in this lane (every state): the lane panel's linked briefs. */
        laneId: z.string().min(1).max(200).optional(),
        state: z.array(DispatchState).max(DispatchState.options.length).optional(),
        limit: z.number().int().min(1).max(500).optional(),
      })
      .strict(),
    result: z.object({ dispatches: z.array(Dispatch), claims: z.array(Claim) }),
  },
  /** Takes back a dispatch that has not started its agent yet (waiting or queued). */
  'dispatch.cancel': { params: z.object({ id: z.string().min(1).max(200) }).strict(), result: z.object({ dispatch: Dispatch }) },
  /** The copy-paste packet: what any agent could be given by hand to do the brief. */
  'briefs.packet': {
    params: z.object({ ref: BriefRef, lane: z.string().trim().min(1).max(200).optional() }).strict(),
    result: Packet,
    access: 'any',
  },
  /** Sync with the shared MySQL (docs/sync.md): its state, last push and pull, entries waiting, last error. */
  'sync.status': { params: NoParams, result: SyncStatus },
  /**
   * Points this host at a shared MySQL (the password from GROVE_SYNC_PASSWORD or the data dir's
   * 0600 sync-password file) and starts syncing. Away from a store that a redaction
   * has not reached yet, `sync_redactions_waiting` unless `force`.
   */
  'sync.set': { params: z.object({ url: SyncUrl, tls: SyncTls.optional(), force: z.boolean().optional() }).strict(), result: SyncStatus },
  /** A round now (pull, apply, push), answered once it is done or failed. */
  'sync.now': { params: NoParams, result: SyncStatus },
  /**
   * Stops syncing; local briefs stay as they are. While a redaction has not reached
   * the store yet, `sync_redactions_waiting` unless `force` (its text would stay there).
   */
  'sync.off': { params: z.object({ force: z.boolean().optional() }).strict(), result: SyncStatus },
  /**
   * Writes the shared MySQL's password to the data dir's sync-password file (mode 0600,
   * replaced atomically) and retries at once: the settings page's way to give it. Never
   * answered back, logged or put in an event; `sync_password_in_env` while GROVE_SYNC_PASSWORD
   * is set (it wins over the file).
   */
  'sync.setPassword': { params: z.object({ password: SyncPassword }).strict(), result: SyncStatus },
  'events.since': {
    params: z
      .object({
        since: z.number().int().nonnegative(),
        limit: z.number().int().min(1).max(MAX_EVENTS_PAGE).optional(),
      })
      .strict(),
    result: z.object({
      events: z.array(EventEnvelope),
      latestSeq: z.number().int().nonnegative(),
      /** True when events after `since` were already pruned: refetch state, then follow on. */
      truncated: z.boolean(),
    }),
  },
} as const;

export type MethodName = keyof typeof methods;
export type ParamsOf<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type ResultOf<M extends MethodName> = z.infer<(typeof methods)[M]['result']>;

export const methodNames = Object.keys(methods) as MethodName[];

export function accessOf(method: MethodName): Access {
  const m = methods[method] as { access?: Access };
  return m.access ?? 'operator';
}

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}
