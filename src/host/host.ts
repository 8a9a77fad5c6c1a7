import type { Server } from 'node:http';
import type { GroveConfig } from '../shared/config';
import type { AddressInfo } from 'node:net';
import { dataDirPaths } from '../host-client/data-dir';
import { readDiscovery } from '../host-client/find-host';
import { PROTOCOL_VERSION } from '../shared/protocol-version';
import type { Result } from '../shared/result';
import { err, ok } from '../shared/result';
import type { Handlers, Principal } from './api/dispatch';
import { refuseWhileStopping, STARTS_WORK, stoppingRefusal } from './api/stopping-guard';
import type { Brief, Channel } from '../shared/briefs';
import { OPEN_DISPATCH_STATES } from '../shared/dispatch';
import { createApiServer } from './api/http-server';
import { explainAddonLoadError, openDatabase } from './db/database';
import { SchemaTooNewError, schemaVersionOf } from './db/migrations';
import { readSetting, writeSetting } from './db/settings';
import { createEventLog } from './events/event-log';
import { createJobHistory } from './events/job-history';
import { stopInOrder } from './host-shutdown';
import { acquireHostLock } from './data-dir/host-lock';
import { removeDiscovery, writeDiscovery } from './data-dir/discovery-file';
import { loadOrCreateToken } from './data-dir/token-file';
import { ensurePrivateDir, ensurePrivateFile } from './data-dir/private-files';
import type { Logger } from './logger';
import { repoHandlers } from './repos/repo-handlers';
import { directoryHandlers } from './fs/directory-handlers';
import { createAlertList } from './events/alert-list';
import { createRepoStore } from './repos/repo-store';
import { assessTrust, RepoTrust } from './trust/repo-trust';
import { stopChangedRunners } from './trust/stop-changed-runners';
import { hostStatus } from './status/host-status';
import { createBrowserSessions } from './api/browser-sessions';
import { AgentService } from './terminals/agent-service';
import { createAgentStore } from './terminals/agent-store';
import { LaneService } from './lanes/lane-service';
import { createLaneStore } from './lanes/lane-store';
import { LaneServer } from './lanes/lane-server';
import { resolveLanePathHandlers } from './lanes/resolve-lane-path';
import { LaneHistory } from './lanes/lane-history';
import { MergeService } from './lanes/merge-service';
import { createMergeStore } from './lanes/merge-store';
import { RepoLocks } from './lanes/repo-lock';
import { createCommandGroups } from './lanes/setup/command-groups';
import { laneEnv, mainCommandEnv, withheldFor } from './lanes/lane-context';
import { readRepoConfig, usableConfig } from './lanes/repo-config';
import { watchLaneHeads } from './lanes/lane-watcher';
import { MainGuards } from './health/main-guards';
import { HealthMonitor } from './health/health-monitor';
import { createHealthHistory } from './health/health-history';
import { healthHandlers } from './health/health-handlers';
import { IncidentRecorder } from './health/incident-recorder';
import { readMainEdits } from './health/main-edits';
import type { MainEdits } from '../shared/incidents';
import type { Repo } from '../shared/repo';
import { createIncidentStore } from './health/incident-store';
import { OpsService } from './ops/ops-service';
import { createOpsStore } from './ops/ops-store';
import { confinementOf } from './confine/host-confinement';
import { ceilingSetBy } from './confine/confine-ceiling';
import { Notifier } from './notify/notifier';
import { maskSecrets } from './logger';
import { apiError } from '../shared/errors';
import { join } from 'node:path';
import { createBlobFetcher } from './sync/blob-sync';
import { createOutbox } from './sync/outbox';
import { SyncService, syncTimeoutMs } from './sync/sync-service';
import { createSyncStateStore } from './sync/sync-state-store';
import type { HostEnvSettings } from './host-env';
import { createBriefStore } from './briefs/brief-store';
import { BriefService } from './briefs/brief-service';
import { briefHandlers } from './briefs/brief-handlers';
import { createBlobRoute } from './briefs/blob-http';
import { createBlobStore } from './briefs/blob-store';
import { createHybridClock } from './briefs/hybrid-clock';
import { hlcNodeId, operatorName } from './briefs/identity';
import { scrubBriefEvents } from './briefs/scrub-brief-events';
import { createDispatchStore } from './dispatch/dispatch-store';
import { maskRedactedTitle, renameInLaneJobs } from './dispatch/redacted-title';
import { DispatchService } from './dispatch/dispatch-service';
import { ClaimBook } from './dispatch/claims';
import { SharedLeases } from './dispatch/shared-leases';
import { SharedClaims, sharedLeaseMs } from './sync/shared-claims';
import { AutoLinker } from './dispatch/auto-link';
import { dispatchConfig } from './dispatch/dispatch-config';
import { dispatchHandlers } from './dispatch/dispatch-handlers';
import { attachmentFilesIn, placeAttachments, removeImageCopies } from './dispatch/lane-attachments';
import { watchDispatchEvents } from './dispatch/dispatch-events';
import { aheadCommits } from './lanes/git/lane-diff';
import { runGit } from './lanes/git/run-git';
import { createMcpRoute } from './mcp/mcp-route';
import type { DispatchPort } from './mcp/mcp-deps';
import { mergePortOver } from './mcp/merge-port';

/**
 * The composition root: builds a host from its parts, in the order they depend on each
 * other, and takes it apart in reverse. Later capabilities add their store and handlers here.
 */
export interface HostConfig {
  dataDir: string;
  /** argv that runs this Grove's CLI (agents' hooks call `grove hook …`). */
  groveCommand: string[];
  port?: number;
  allowedHosts: readonly string[];
  rendererDir: string | null;
  version: string;
  logger: Logger;
  settings: HostEnvSettings;
}

export interface RunningHost {
  url: string;
  port: number;
  token: string;
  /** A single-use browser login URL (see browser-sessions.ts). */
  loginUrl(): string;
  close(reason: string): Promise<void>;
  /** Resolves with the reason once the host has stopped, however it was asked to (e.g. `host.stop`). */
  stopped: Promise<string>;
}

export type HostStartError =
  | { kind: 'already-running'; message: string }
  | { kind: 'port-in-use'; message: string }
  | { kind: 'database'; message: string };

const LAST_PORT = 'host.lastPort';

export async function startHost(config: HostConfig): Promise<Result<RunningHost, HostStartError>> {
  const { logger } = config;
  const startedAt = new Date();
  const paths = dataDirPaths(config.dataDir);
  ensurePrivateDir(paths.root);
  ensurePrivateDir(paths.logs);

  // 1. One host per data dir.
  let lock;
  try {
    ensurePrivateFile(paths.lock);
    lock = acquireHostLock(paths.lock);
  } catch (e) {
    return err({ kind: 'database', message: explainAddonLoadError(e) ?? `Cannot take the host lock ${paths.lock}: ${(e as Error).message}` });
  }
  if (!lock) {
    const d = await readDiscovery(config.dataDir);
    const who = d.ok && d.value ? `pid ${d.value.pid}, ${d.value.url}, started ${d.value.startedAt}` : 'it is still starting';
    return err({ kind: 'already-running', message: `Another Grove host is already running on ${config.dataDir} (${who}). Use it (grove status), or stop it first.` });
  }

  // 2. Secrets and storage.
  const token = loadOrCreateToken(paths.token);
  logger.addSecret(token);
  let opened;
  try {
    opened = openDatabase(paths.database);
  } catch (e) {
    lock.release();
    const message = e instanceof SchemaTooNewError ? e.message : (explainAddonLoadError(e) ?? `Cannot open ${paths.database}: ${(e as Error).message}`);
    return err({ kind: 'database', message });
  }
  const { db, migration } = opened;
  if (migration.kind === 'migrated') logger.info('database migrated', migration);
  const events = createEventLog(db, undefined, undefined, logger);

  // 3. Capabilities.
  let url = '';
  const sessions = createBrowserSessions(db);
  const repos = createRepoStore(db, assessTrust(config.dataDir));
  const laneStore = createLaneStore(db);
  const commandGroups = createCommandGroups(db);
  /**
   * Aborted when the host begins to stop: work cut short by the stop is left for the next host,
   * not judged (a merge's gate still running then is ended; one that had ended is judged).
   */
  const stopping = new AbortController();
  const isStopping = (): boolean => stopping.signal.aborted;
  const repoOf = (id: string) => repos.get(id);
  /** Each repository's grove.yaml as last read without problems, for what a key-less lane withholds. */
  const lastGoodConfigs = new Map<string, GroveConfig>();
  const confinement = confinementOf({ repos, lanes: laneStore, ops: createOpsStore(db), dataDir: config.dataDir, port: () => Number(new URL(url).port) });
  const agents = new AgentService({
    store: createAgentStore(db),
    repos,
    events,
    logger,
    agentsDir: join(config.dataDir, 'agents'),
    hostUrl: () => url,
    groveCommand: config.groveCommand,
    baseEnv: process.env,
    lanePaths: () => laneStore.list().map((l) => l.path),
    laneBeingRemoved: (lanePath): boolean => {
      const lane = laneStore.list().find((l) => l.path === lanePath);
      return lane !== undefined && lanes.isBeingRemoved(lane.id);
    },
    // Agents in a lane get its ports and lose what a key-less lane withholds.
    laneContext: (lanePath, o) => {
      const lane = laneStore.list().find((l) => l.path === lanePath);
      const repo = lane && repoOf(lane.repoId);
      // Held key-less outside any lane: every variable whose name says it holds a secret.
      if (!lane || !repo) return { env: {}, withhold: o?.keyless ? withheldFor(process.env, true, null) : [] };
      // Only the keys to withhold are read (no command), so an untrusted repository's lane keeps them withheld too.
      // While grove.yaml has problems, the last one read without them decides (lane-context.ts withheldFor).
      const cfg = usableConfig(repos, repo, config.dataDir, { withoutRecipes: true });
      if (cfg.ok) lastGoodConfigs.set(repo.id, cfg.value);
      return { env: laneEnv(repo, lane), withhold: withheldFor(process.env, lane.keyless || (o?.keyless ?? false), cfg.ok ? cfg.value : (lastGoodConfigs.get(repo.id) ?? null)) };
    },
    restartCfg: config.settings.restart,
    stopTimings: config.settings.stop,
    scrollbackBytes: config.settings.scrollbackBytes,
    confine: (req) => confinement.confine(req),
  });
  const locks = new RepoLocks();
  const secrets = [token];
  const mask = (text: string): string => maskSecrets(text, secrets);
  const mainGuards = new MainGuards({ db, repos, events, locks, logger });
  const server = new LaneServer({
    lanes: laneStore,
    repos,
    events,
    locks,
    commandGroups,
    dataDir: config.dataDir,
    baseEnv: process.env,
    mask,
    agents: {
      startServer: ({ lanePath, name, script, env }) => {
        const started = agents.start({ lanePath, preset: 'custom', command: 'sh', args: ['-c', script], name, env, restart: 'on-failure' });
        return started.ok ? ok(started.value.id) : started;
      },
      stop: async (id) => void (await agents.stop(id)),
      stopAndForget: async (id) => void (await agents.stopAndForget(id)),
      isLive: (id) => agents.isLive(id),
    },
  });
  const laneHeads = watchLaneHeads({
    onBranchChange: (path, branch) => lanes.noticeBranch(path, branch),
    onHeadChange: (path, change) => lanes.noticeHead(path, change.head),
    logger,
  });
  const lanes = new LaneService({
    lanes: laneStore,
    repos,
    events,
    locks,
    server,
    dataDir: config.dataDir,
    baseEnv: process.env,
    mask,
    agents: {
      liveAgentsIn: (path, except) => agents.liveAgentsIn(path, except),
      stopAllIn: (path) => agents.stopAllIn(path),
      removeAllIn: (path, scrollbackDir) => agents.removeAllIn(path, scrollbackDir),
      endLeftoversIn: (path) => agents.endLeftoversIn(path),
    },
    onLanesChanged: (all) => laneHeads.set(all),
    isOpsCheckout: (path) => ops.isOpsCheckout(path),
    // Read when a removal is asked, long after both services exist.
    mergeRunningIn: (laneId): string | null => merges.mergeRunningIn(laneId),
    commandGroups,
  });
  const mergeStore = createMergeStore(db);
  const merges = new MergeService({
    lanes: laneStore,
    repos,
    merges: mergeStore,
    events,
    locks,
    laneService: lanes,
    mainWatch: mainGuards,
    dataDir: config.dataDir,
    baseEnv: process.env,
    mask,
    agentNamesIn: (path) => agents.list().filter((a) => a.lanePath === path).map((a) => a.name),
    holdLane: (path) => laneHeads.hold(path),
    stopping: stopping.signal,
    commandGroups,
    confine: (req) => confinement.confine(req),
    // The monitor is made below; a gate only runs once the host answers.
    holdProbes: <T,>(repoId: string, work: () => Promise<T>): Promise<T> => health.holdWhile(repoId, work),
  });
  const history = new LaneHistory({ lanes: laneStore, repos, events, locks, holdLane: (path) => laneHeads.hold(path) });
  const healthHistory = createHealthHistory(db);
  const incidentStore = createIncidentStore(db);
  const readEdits = (repo: Repo): Promise<MainEdits | null> => readMainEdits(repo.mainPath, { env: mainCommandEnv(process.env, repo), mask });
  const incidents = new IncidentRecorder({ incidents: incidentStore, merges: mergeStore, repos, events, logger, readEdits });
  const health = new HealthMonitor({ repos, events, logger, dataDir: config.dataDir, baseEnv: process.env, mask, history: healthHistory, incidents, commandGroups, holdMainWrites: (repoId) => mainGuards.holdContent(repoId) });
  // MAIN's file events re-read grove.yaml: probes added after registration run at once.
  mainGuards.onLooked((repoId, look) => (look.contentChanged ? health.mainChanged(repoId) : health.mainTouched(repoId)));
  const trust = new RepoTrust({ repos, events, logger, dataDir: config.dataDir });
  const ops = new OpsService({
    isStopping,
    store: createOpsStore(db),
    repos,
    events,
    locks,
    logger,
    dataDir: config.dataDir,
    baseEnv: process.env,
    commandGroups,
    mask,
    agents: {
      start: ({ path, name, script, env }) => {
        const started = agents.start({ lanePath: path, preset: 'custom', command: 'sh', args: ['-c', script], name, env, restart: 'always', isOpsLoop: true });
        return started.ok ? ok(started.value.id) : started;
      },
      startAgain: (id) => agents.startAgain(id),
      stopAndForget: (id) => agents.stopAndForget(id),
      isLive: (id) => agents.isLive(id),
      stopEnded: (id) => agents.stopEnded(id),
      info: (id) => agents.info(id),
    },
    health: (repoId) => health.health(repoId),
    openIncident: (repoId) => incidentStore.openOf(repoId),
    readEdits,
  });
  // Commands changed since they were trusted: what already runs them stops too (lane servers, the ops loop).
  const stopOnCommandsChanged = events.subscribe(({ event }) => {
    if (event.type !== 'repo.commandsChanged') return;
    const repoId = event.repoId;
    void stopChangedRunners(repoId, {
      lanes: laneStore,
      opsAgentOf: (id) => ops.list(id)[0]?.agentId ?? null,
      isLive: (id) => agents.isLive(id),
      stop: (id) => agents.stop(id),
    })
      .then((stopped) => {
        if (stopped.length === 0) return;
        const name = repos.get(repoId)?.name ?? repoId;
        events.append({ type: 'alert', agentId: null, repoId, message: `${name}'s commands changed, so Grove stopped what ran them: ${stopped.join('; ')}.` });
      })
      .catch((e: unknown) => logger.warn('cannot stop what ran changed commands', { repoId, error: e instanceof Error ? e.message : String(e) }));
  });
  const notifier = new Notifier({ db, events, repos, lanes: laneStore, agents, merges: () => mergeStore.list(), baseEnv: process.env, mask, logger });
  const jobHistory = createJobHistory(db);
  const outbox = createOutbox(db);
  const briefStore = createBriefStore(db, { outbox });
  const blobs = createBlobStore(db, join(config.dataDir, 'blobs'));
  // Blobs no attachment names (an upload cut short, a redacted screenshot a crash kept) go now.
  const sweptBlobs = blobs.sweep(briefStore.referencedBlobs());
  if (sweptBlobs.length > 0) logger.info('swept unreferenced blobs', { count: sweptBlobs.length });
  const briefClock = createHybridClock(hlcNodeId(db));
  // Past every stamp stored here (this host's, and those pulled from hosts whose clocks run
  // ahead): a clock that started from zero at each start would stamp a new entry before one
  // already here, and this host, which applies its own writes as they come, would show another
  // state than the hosts that order the trace by stamp.
  const latestStamp = briefStore.latestStamp();
  if (latestStamp) briefClock.observe(latestStamp);
  const dispatchStore = createDispatchStore(db);
  const briefs = new BriefService({
    store: briefStore,
    events,
    clock: briefClock,
    blobs,
    operatorName: operatorName(process.env),
    logger,
    agentName: (id) => agents.info(id)?.name ?? null,
    scrubEvents: (entries) => scrubBriefEvents(db, briefStore, entries),
    titleRedacted: (briefId, title) => void maskRedactedTitle({ db, store: dispatchStore, events }, briefId, title),
    imagesFreed: (shas) => {
      const removed = removeImageCopies(laneStore.list().map((l) => l.path), shas, logger);
      if (removed.length > 0) logger.info('copies of redacted images removed from lanes', { count: removed.length });
    },
  });
  // A redaction a crash cut short: the swept images' copies in lanes, and its words in the search index.
  briefs.afterRedactions(sweptBlobs);
  const syncState = createSyncStateStore(db);
  const sync = new SyncService({
    store: briefStore,
    briefs,
    outbox,
    blobs,
    state: syncState,
    events,
    logger,
    env: process.env,
    dataDir: config.dataDir,
    origin: hlcNodeId(db),
    clock: briefClock,
    timeoutMs: syncTimeoutMs(process.env),
  });
  sync.start();
  // An image attached on another host is fetched from the shared store when first asked for.
  const blobFetcher = createBlobFetcher({
    config: () => syncState.config(),
    env: process.env,
    dataDir: config.dataDir,
    timeoutMs: syncTimeoutMs(process.env),
    blobs,
    named: (sha) => briefStore.blobRefs(sha) > 0,
    logger,
  });
  const agentOf = (id: string) => agents.info(id);
  // While sync is on, the shared store decides claims (docs/sync.md, "Claims"), on connections of its own.
  const leases = new SharedLeases({
    shared: new SharedClaims({
      config: () => syncState.config(),
      env: process.env,
      dataDir: config.dataDir,
      timeoutMs: syncTimeoutMs(process.env),
      leaseMs: sharedLeaseMs(process.env),
      logger,
    }),
    origin: hlcNodeId(db),
    store: dispatchStore,
    timeoutMs: syncTimeoutMs(process.env),
    lost: (holder, reason) => {
      if (holder.agentId) claims.release(holder.briefId, holder.agentId, reason);
      if (holder.dispatchId) dispatches.claimLost(holder.dispatchId, reason);
      else if (holder.agentId && agents.isLive(holder.agentId)) void agents.stop(holder.agentId);
    },
    logger,
    now: () => performance.now(),
  });
  // Dispatch acts once the start has brought the agents back (resolved below, before the host announces itself).
  let startedUp!: () => void;
  const startup = new Promise<void>((resolve) => (startedUp = resolve));
  const dispatches = new DispatchService({
    startup,
    laneJobsRenamed: (from, to) => renameInLaneJobs(db, from, to),
    store: dispatchStore,
    briefs,
    briefStore,
    events,
    logger,
    repos,
    lanes: {
      list: (repoId) => laneStore.list(repoId),
      get: (id) => laneStore.get(id),
      createEphemeral: (repoId, name, o) => lanes.create(repoId, name, { ephemeral: true, freshBranch: true, ...(o.keyless ? { keyless: true } : {}) }),
    },
    agents: {
      start: (params, firstRunArgs, dispatch) => agents.start(params, firstRunArgs, dispatch),
      isLive: (id) => agents.isLive(id),
      stop: (id) => agents.stop(id),
      liveDispatched: () => agents.list().flatMap((a) => (a.dispatchId && agents.isLive(a.id) ? [{ agentId: a.id, dispatchId: a.dispatchId }] : [])),
      launchRefusal: (params) => agents.launchRefusal(params),
    },
    unconfinedReason: (repoId) => confinement.unconfinedReason(repoId),
    releaseClaim: (briefId, agentId, reason) => void claims.release(briefId, agentId, reason),
    placeAttachments: (brief, lanePath) => placeAttachments(brief, lanePath, { path: (sha) => blobs.path(sha), isHere: (sha) => blobs.describe(sha) !== null, fetch: (sha) => blobFetcher.fetch(sha) }, logger),
    config: (repoId) => dispatchConfig(repoOf(repoId), config.dataDir),
    shared: leases,
    now: () => new Date(),
  });
  const claims = new ClaimBook({
    store: dispatchStore,
    briefs,
    briefStore,
    agent: agentOf,
    isLive: (id) => agents.isLive(id),
    waveOf: (dispatchId, briefId) => dispatches.waveOf(dispatchId, briefId),
    dispatchedBrief: (agent) => dispatches.dispatchOfAgent(agent),
    openDispatch: (briefId) => dispatchStore.list({ briefId, states: OPEN_DISPATCH_STATES, limit: 1 })[0] ?? null,
    shared: leases,
    now: () => new Date(),
  });
  const autoLink = new AutoLinker({
    briefs,
    dispatchOfLane: (repoId, lane) => dispatches.dispatchOfLane(repoId, lane),
    briefOfMerge: (repoId, mergeId, laneName) => dispatches.briefOfMerge(repoId, mergeId, laneName),
    lanePath: (id) => laneStore.get(id)?.path ?? null,
    mainPath: (repoId) => repoOf(repoId)?.mainPath ?? null,
    ahead: async (lanePath, mainPath) => {
      const [lane, main] = await Promise.all([runGit(lanePath, ['rev-parse', 'HEAD']), runGit(mainPath, ['rev-parse', 'HEAD'])]);
      return aheadCommits(lanePath, lane.stdout.trim(), main.stdout.trim());
    },
    onMerge: (repoId) => dispatchConfig(repoOf(repoId), config.dataDir).onMerge,
    releaseClaim: (briefId, dispatch, reason) => claims.releaseFor(briefId, dispatch, reason),
    mask,
    logger,
  });
  agents.setHandoff((dispatchId) => dispatches.handoff(dispatchId));
  // An agent in a lane a dispatch copied the brief's screenshots into reads their paths in its recall.
  const laneFilesOf = (brief: Brief, principal: Principal): ReadonlyMap<string, string> => {
    const agent = principal.kind === 'agent' ? agentOf(principal.agentId) : null;
    return agent ? attachmentFilesIn(brief, agent.lanePath) : new Map<string, string>();
  };
  // The dispatched agent's first recall of its own brief is its claim.
  const claimOnRecall = async (briefId: string, principal: Principal, channel: Channel): Promise<void> => {
    if (principal.kind !== 'agent' || dispatches.briefOfAgent(agentOf(principal.agentId)) !== briefId) return;
    if (claims.holder(briefId)?.agentId === principal.agentId) return;
    const claimed = await claims.claim(briefId, principal.agentId, channel);
    if (!claimed.ok) logger.info('recall did not claim', { briefId, reason: claimed.error.message });
  };
  const stopDispatchEvents = watchDispatchEvents(events, { dispatches, claims, autoLink, leases, isLive: (id) => agents.isLive(id) }, startup);
  // MCP's dispatch tools go through the same service and claims as the API.
  const dispatchPort: DispatchPort = {
    briefOfAgent: (agentId) => dispatches.briefOfAgent(agentOf(agentId)),
    claim: (ref, agentId) => claims.claim(ref, agentId),
    dispatch: (params, actor, asker) => {
      if (isStopping()) return Promise.resolve(err(stoppingRefusal('dispatch.create')));
      const ceiling = asker ? ceilingSetBy(asker, laneStore.list().find((l) => l.path === asker.lanePath) ?? null, agents.withheldFrom(asker.id)) : null;
      return dispatches.create(params, actor, 'mcp', ceiling);
    },
  };
  const mcp = createMcpRoute({
    briefs,
    store: briefStore,
    blobs,
    dispatch: dispatchPort,
    merges: mergePortOver(laneStore, merges),
    agents: { agent: agentOf },
    laneFiles: attachmentFilesIn,
    logger,
    hostVersion: config.version,
  });
  // Stopping is one path whoever asks (a signal, `host.stop`); `stopped` tells the process it may exit.
  let closing: Promise<void> | null = null;
  let markStopped!: (reason: string) => void;
  const stopped = new Promise<string>((resolve) => (markStopped = resolve));
  const close = (reason: string): Promise<void> =>
    (closing ??= (async () => {
      stopping.abort();
      logger.info('host stopping', { reason });
      // Every part is stopped whatever another's stop throws; the store and the lock last.
      await stopInOrder(
        [
          { name: 'host.stopping event', stop: () => events.append({ type: 'host.stopping', reason }) },
          { name: 'discovery file', stop: () => removeDiscovery(paths.discovery, process.pid) },
          // The notifier last: an incident the monitor finishes writing while it stops is still told.
          { name: 'trust watch', stop: () => trust.stop() },
          { name: 'changed-command stops', stop: () => stopOnCommandsChanged() },
          { name: 'dispatch', stop: () => (stopDispatchEvents(), dispatches.close()) },
          { name: 'health monitor', stop: () => health.stop() },
          // After the monitor (its probes aborted as such, not judged as failures). What grove.yaml runs (a setup, a check, a gate) ends with the host, as a next
          // host would end it after a crash; a merge whose gate is cut short stays gating,
          // MAIN untouched, and the next host runs its gate again.
          { name: 'grove.yaml commands', stop: () => commandGroups.endRunning(logger) },
          // A gate that failed just before the stop rolls MAIN back before the store closes.
          { name: 'merges under way', stop: () => merges.settled() },
          { name: 'ops loops', stop: () => ops.stop() },
          { name: 'notifier', stop: () => notifier.stop() },
          { name: 'MAIN guards', stop: () => mainGuards.stop() },
          { name: 'lane watcher', stop: () => laneHeads.close() },
          // Agents have their own grace (a polite signal, then SIGKILL): no deadline over it.
          { name: 'agents', stop: () => agents.shutdown(), deadlineMs: null },
          { name: 'confinement bridge', stop: () => confinement.close() },
          { name: 'MCP server', stop: () => mcp.close() },
          { name: 'API server', stop: () => api.close() },
          { name: 'sync', stop: () => sync.stop() },
          { name: 'store', stop: () => db.close() },
          { name: 'host lock', stop: () => lock.release() },
        ],
        logger,
      );
      markStopped(reason);
    })());
  const alerts = createAlertList(db);
  const identity = { version: config.version, pid: process.pid, startedAt, dataDir: config.dataDir };
  const handlers: Handlers = {
    'host.status': () => ok(hostStatus(identity, schemaVersionOf(db), events.latestSeq())),
    'events.since': ({ since, limit }) => ok(events.since(since, limit)),
    'jobs.list': ({ limit }) => ok(jobHistory.list(limit)),
    'auth.loginCode': () => {
      const { code, expiresAt } = sessions.issueLoginCode();
      return ok({ code, expiresAt, loginUrl: `${url}/auth?code=${code}` });
    },
    'auth.revokeSessions': () => {
      sessions.revokeAll();
      // The sockets browsers opened with them close too (this call's own, if it came on one, after its answer).
      setImmediate(() => api.endEndedSessions());
      return ok({ revoked: true as const });
    },
    ...repoHandlers(repos, events, {
      locks,
      lanes: laneStore,
      liveAgentsIn: (path) => agents.liveAgentsIn(path),
      opsLoopPath: (repoId) => ops.list(repoId)[0]?.path ?? null,
      merges: mergeStore,
    }),
    ...directoryHandlers(),
    'alerts.list': ({ limit }) => ok({ alerts: alerts.latest(limit ?? 50) }),
    'alerts.acknowledge': ({ seqs, all }) => {
      const pending = alerts.unacknowledged(all ? null : (seqs ?? []));
      if (pending.length === 0) return ok({ acknowledged: [], at: null });
      const { at } = events.append({ type: 'alerts.acknowledged', seqs: pending });
      return ok({ acknowledged: pending, at });
    },
    'host.stop': () => {
      // Answer first: the reply is written before the next turn of the event loop, the stop after it.
      setTimeout(() => void close('host.stop'), 50);
      return ok({ stopping: true as const, pid: process.pid });
    },
    ...trust.handlers(),
    'repos.config': ({ repoId }) => {
      const repo = repoOf(repoId);
      return repo ? ok(readRepoConfig(repo, config.dataDir)) : err(apiError('repo_unknown', `No repository with id ${repoId}.`, { repoId }));
    },
    ...lanes.handlers(),
    ...server.handlers(),
    ...merges.handlers(),
    ...history.handlers(),
    ...resolveLanePathHandlers({ lanes: laneStore, diff: (id) => history.diff(id) }),
    ...mainGuards.handlers(),
    ...healthHandlers({ repos, health: (id) => health.health(id), history: healthHistory, incidents: incidentStore }),
    ...agents.handlers(),
    ...ops.handlers(),
    ...notifier.handlers(),
    ...briefHandlers(briefs, briefStore, { beforeRecall: claimOnRecall, attachmentFiles: laneFilesOf }),
    ...dispatchHandlers(dispatches, briefs),
    'sync.status': () => ok(sync.status()),
    'sync.set': ({ url, tls, force }) => sync.configure(url, tls ?? 'off', force === true),
    'sync.now': () => sync.syncNow(),
    'sync.off': ({ force }) => sync.off(force === true),
    'sync.setPassword': ({ password }) => sync.setPassword(password),
  };

  // Once stopping, nothing new is started: the agents are being stopped and the commands
  // ended (stop's order), and what would start now would outlive the stop.
  refuseWhileStopping(handlers, STARTS_WORK, isStopping);

  // 4. The listener. Prefer the last port so open browser tabs find the host again.
  const api = createApiServer({
    token,
    sessions,
    agentOf: (t) => agents.tokens.agentOf(t),
    onAck: (peer, agentId, offset) => agents.ack(peer, agentId, offset),
    handlers,
    events,
    logger,
    hostVersion: config.version,
    rendererDir: config.rendererDir,
    allowedHosts: config.allowedHosts,
    blobs: createBlobRoute({ blobs, service: briefs, store: briefStore, logger, fetchBlob: (sha) => blobFetcher.fetch(sha) }),
    mcp: mcp.route,
  });
  const lastPort = Number(readSetting(db, LAST_PORT) ?? 0);
  const candidates = config.port !== undefined ? [config.port] : lastPort > 0 ? [lastPort, 0] : [0];
  let port = -1;
  let listenError: Error | null = null;
  for (const candidate of candidates) {
    try {
      port = await listen(api.server, candidate);
      break;
    } catch (e) {
      listenError = e as Error;
    }
  }
  if (port < 0) {
    db.close();
    lock.release();
    return err({ kind: 'port-in-use', message: `Cannot listen on 127.0.0.1:${candidates[0]}: ${listenError?.message}. Choose another with --port.` });
  }
  api.setPort(port);
  writeSetting(db, LAST_PORT, String(port));

  // 5. Agents the previous host left behind; then announce: discovery last, so whoever
  //    reads it finds a host that answers.
  url = `http://127.0.0.1:${port}`;
  // Trust first: repositories registered before trust existed are trusted before anything runs their commands.
  trust.start();
  await commandGroups.reconcile(logger);
  await agents.reconcile();
  await lanes.reconcile();
  await server.reconcile();
  // A merge a killed host had started and not recorded: recorded (or undone) before MAIN's
  // guards look, so Grove's own merge is not taken for a commit made outside Grove.
  await merges.settleIntents().catch((e: unknown) => logger.warn('cannot settle interrupted merges', { error: e instanceof Error ? e.message : String(e) }));
  await mainGuards.start();
  notifier.start();
  health.start();
  // Its loops come back in the background (a missing checkout is set up again first).
  await ops.start();
  startedUp();
  // A merge left gating by a host that died mid-gate: its gate runs again (in the
  // background: it may take minutes; the repository's lock keeps other merges out meanwhile).
  void merges.recoverGating().catch((e: unknown) => logger.warn('cannot recover interrupted merges', { error: e instanceof Error ? e.message : String(e) }));
  writeDiscovery(paths.discovery, {
    pid: process.pid,
    port,
    url,
    protocolVersion: PROTOCOL_VERSION,
    version: config.version,
    startedAt: startedAt.toISOString(),
    dataDir: config.dataDir,
  });
  events.append({ type: 'host.started', version: config.version, pid: process.pid });
  logger.info('host ready', { url, dataDir: config.dataDir, pid: process.pid, startupMs: Date.now() - startedAt.getTime() });

  return ok({
    url,
    port,
    token,
    loginUrl: () => `${url}/auth?code=${sessions.issueLoginCode().code}`,
    close,
    stopped,
  });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

