import { createConnection, type Connection } from 'mysql2/promise';
import { apiError, type ApiError } from '../../shared/errors';
import { err, ok, type Result } from '../../shared/result';
import type { SyncState, SyncStatus, SyncTls } from '../../shared/sync';
import { redactionsLeftSentence } from '../../shared/sync-words';
import type { BlobStore } from '../briefs/blob-store';
import type { BriefService } from '../briefs/brief-service';
import type { BriefStore } from '../briefs/brief-store';
import type { HybridClock } from '../briefs/hybrid-clock';
import type { EventLog } from '../events/event-log';
import { maskSecrets, type Logger } from '../logger';
import type { Outbox } from './outbox';
import { uploadWantedImages } from './image-repair';
import { sweepDue, sweepUnnamedImages } from './image-sweep';
import { pullAll, PullRefused } from './pull';
import { classifyRoundError as classify, describeRoundError, type RoundErrorDetail } from './round-errors';
import { readRoundCounters } from './round-counters';
import { RoundSuperseded } from './round-superseded';
import { pushWaiting } from './push-waiting';
import { parseSyncUrl, prepareSharedSession, sharedConnectionOptions } from './shared-connection';
import { ensureSharedSchema, SHARED_SCHEMA_VERSION, sharedStoreId } from './shared-schema';
import { INITIAL_PACING, isWokenByWrite, nextRound, POLL_MS, stateAfter, type Pacing, type RoundOutcome } from './sync-rounds';
import { readSyncPassword, type PasswordSource } from './sync-password';
import { writeSyncPassword } from './sync-password-file';
import type { SyncConfig, SyncStateStore } from './sync-state-store';
import { StepTimeout } from './step-timeout';

/**
 * Sync with the team's shared MySQL (docs/sync.md): rounds of pull → apply → push on a timer,
 * off the request path. A request handler never waits on MySQL, except `sync.now`, which asks
 * for exactly that (bounded by the timeout). MySQL down, hung or refusing leaves local work as
 * it is: the state says so, the outbox keeps what waits, and rounds retry with backoff.
 */
export interface SyncServiceDeps {
  store: BriefStore;
  briefs: BriefService;
  outbox: Outbox;
  /** Where the images attachments name are read from, to upload them before their entries. */
  blobs: Pick<BlobStore, 'describe' | 'path'>;
  state: SyncStateStore;
  events: EventLog;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  /** This store's HLC node id, recorded as each pushed row's origin. */
  origin: string;
  /** Stamps the `numbered` entries a push writes in the shared store. */
  clock: HybridClock;
  /** How long one step (connect, a pull or push batch) may take before the server counts as unreachable. */
  timeoutMs?: number;
  now?: () => number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** What GROVE_SYNC_TIMEOUT_MS may be, in ms: a value outside stops the host at start (host-env.ts). */
export const SYNC_TIMEOUT_RANGE = { min: 100, max: 600_000 } as const;

/** GROVE_SYNC_TIMEOUT_MS shortens or lengthens the step timeout (a slow link; the tests' hung server). */
export function syncTimeoutMs(env: NodeJS.ProcessEnv): number {
  const n = Number(env.GROVE_SYNC_TIMEOUT_MS);
  return Number.isInteger(n) && n >= SYNC_TIMEOUT_RANGE.min && n <= SYNC_TIMEOUT_RANGE.max ? n : DEFAULT_TIMEOUT_MS;
}

/** A round's outcome, with the error a failed one ended on (for the host's log, never the status). */
type RoundEnd = RoundOutcome & { error?: unknown };

export class SyncService {
  private conn: Connection | null = null;
  /** The password `conn` was opened with: a round that reads another connects anew. */
  private connPassword: string | null = null;
  private schemaReady = false;
  /** The identity of the store this connection reached (shared-schema.ts sharedStoreId); read with the schema. */
  private storeId: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  /** The host's stop ran: no round starts after it, not even one asked for before (`sync.now`). */
  private closed = false;
  private pacing: Pacing = INITIAL_PACING;
  private st: { state: SyncState; lastPushAt: string | null; lastPullAt: string | null; lastError: { message: string; at: string } | null } = {
    state: 'off',
    lastPushAt: null,
    lastPullAt: null,
    lastError: null,
  };
  private announced = '';
  private announcedRedacted = 0;
  /** What the last failure logged was (its error's name, message and code): a new one is logged even when its sentence is the same. */
  private loggedError: string | null = null;
  private password: string | null = null;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private unsubscribe: (() => void) | null = null;
  private wokenDuringRound = false;
  /**
   * Moves when sync's settings change (configure, off) or the host stops: a round started
   * before ends at its next step (RoundSuperseded), writing nothing more here, and a step it
   * waits on ends then too (`supersede`).
   */
  private epoch = 0;
  private roundEpoch = 0;
  /** The steps under way, each ended by `supersede`. */
  private readonly stepsWaiting = new Set<() => void>();
  /** While settings change, no round starts: the change runs one when it is done. */
  private changing = false;
  /** Settings changes, one after another: each reads the settings the one before left. */
  private changes: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SyncServiceDeps) {
    this.timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    const config = this.deps.state.config();
    this.deps.outbox.setEnabled(config !== null);
    // A local write wakes the loop: what it wrote reaches the others within about a second.
    // Not after a failed round: the retry keeps its backoff (isWokenByWrite says why).
    this.unsubscribe = this.deps.events.subscribe(({ event }) => {
      if (event.type !== 'brief.changed' || this.deps.state.config() === null) return;
      // A redaction queued (or rewritten) is said at once, not at the next round's end: turning
      // sync off would leave its text in the store, and the settings' confirmation says so.
      if (this.redactedWaitingInStore() !== this.announcedRedacted) this.announce();
      if (this.deps.outbox.waiting() === 0) return;
      if (!isWokenByWrite(this.pacing)) return;
      if (this.running) this.wokenDuringRound = true;
      else this.schedule(0);
    });
    if (config) {
      this.st.state = 'connecting';
      this.schedule(0);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closed = true;
    this.supersede();
    this.unsubscribe?.();
    this.clearTimer();
    // Dropping the connection ends a round stuck on a hung server now, not at its timeout.
    this.disconnect();
    await this.running;
    this.disconnect();
  }

  status(): SyncStatus {
    const config = this.deps.state.config();
    const source = readSyncPassword(this.deps.env, this.deps.dataDir);
    return {
      state: config ? this.st.state : 'off',
      url: config?.url ?? null,
      tls: config?.tls ?? null,
      passwordFrom: source.kind === 'found' ? source.from : 'none',
      passwordProblem: source.kind === 'unusable' ? source.message : null,
      lastPushAt: this.st.lastPushAt,
      lastPullAt: this.st.lastPullAt,
      waiting: config ? this.deps.outbox.waiting() : 0,
      redactedWaiting: this.redactedWaitingInStore(),
      lastError: this.st.lastError,
    };
  }

  /**
   * Points this host at a shared store. A new URL starts from the beginning there: the cursor
   * goes back to 0 and the whole local history is queued once, in the transaction that saves
   * the configuration (so a crash leaves sync either off or on with its history queued).
   * Refused while a redaction has not reached the store it leaves, unless `force`.
   */
  configure(url: string, tls: SyncTls, force = false): Promise<Result<SyncStatus, ApiError>> {
    return this.change(async () => {
      const before = this.deps.state.config();
      const refused = this.redactionsLeftIn(url, 'point sync elsewhere', force);
      if (refused) return refused;
      const changed = before?.url !== url || before.tls !== tls;
      if (changed) {
        // A round under way talks to the old server: it ends at its next step, its connection
        // first (its queries fail at once), and the settings change only once it has ended, so
        // nothing it pulls or pushes is taken for the new server's (a cursor, an emptied outbox).
        this.supersede();
        this.disconnect();
        await this.running;
        // A redaction made while that round ended is asked about too (nothing changed yet: the
        // rounds go on with the old store).
        const late = this.redactionsLeftIn(url, 'point sync elsewhere', force);
        if (late) return this.resumeRounds(late);
      }
      this.savedWithOutbox(() => {
        if (before?.url !== url) {
          this.deps.state.clearConfig();
          this.deps.outbox.clear();
          this.deps.outbox.enqueueAll();
        }
        this.deps.state.saveConfig({ url, tls });
        // From now on numbers are the shared store's: what it has not numbered is provisional.
        this.deps.outbox.setEnabled(true);
        // Which store that is, this host learns when it reaches it (round): until then no store's
        // numbers count, not even those of the store it was pointed at before.
        if (before?.url !== url) this.deps.briefs.countNumbersFrom(null);
        this.deps.store.refreshProvisional();
      });
      if (changed) {
        this.disconnect();
        this.st = { state: 'connecting', lastPushAt: null, lastPullAt: null, lastError: null };
      }
      this.pacing = INITIAL_PACING;
      return null;
    }).then((refused) => {
      if (refused) return err(refused);
      this.announce();
      if (!this.stopped && !this.running) this.schedule(0);
      return ok(this.status());
    });
  }

  /**
   * Stops syncing: the configuration, the outbox and the cursor go; local briefs stay. Refused
   * while a redaction has not reached the store, unless `force`.
   */
  off(force = false): Promise<Result<SyncStatus, ApiError>> {
    return this.change(async () => {
      const refused = this.redactionsLeftIn(null, 'turn sync off', force);
      if (refused) return refused;
      this.clearTimer();
      // The round under way ends at its next step (the connection first: one waiting on a hung
      // server ends now, not at its timeout); then the settings go.
      this.supersede();
      this.disconnect();
      await this.running;
      this.disconnect();
      const late = this.redactionsLeftIn(null, 'turn sync off', force);
      if (late) return this.resumeRounds(late);
      this.savedWithOutbox(() => {
        this.deps.state.clearConfig();
        this.deps.outbox.clear();
        // Shared numbers stay; nothing is provisional any more, and new briefs are numbered here.
        // The number store is kept: a later fold gives the numbers shown now.
        this.deps.outbox.setEnabled(false);
        this.deps.store.refreshProvisional();
      });
      this.st = { state: 'off', lastPushAt: null, lastPullAt: null, lastError: null };
      return null;
    }).then((refused) => {
      if (refused) return err(refused);
      this.announce();
      return ok(this.status());
    });
  }

  /**
   * Leaving the store sync is set to (off, or to `nextUrl`) forgets what is queued for it; a
   * queued entry is still here to push elsewhere, but a redaction's rewrite of a row that store
   * holds is not: its text would stay there, for every Grove syncing with it. So that is said,
   * not done, unless asked again with force.
   */
  private redactionsLeftIn(nextUrl: string | null, doing: string, force: boolean): ApiError | null {
    const url = this.deps.state.config()?.url;
    if (force || !url || url === nextUrl) return null;
    const n = this.redactedWaitingInStore();
    if (n === 0) return null;
    return apiError(
      'sync_redactions_waiting',
      `${redactionsLeftSentence(n, url)} Sync until ${n === 1 ? 'it is' : 'they are'} rewritten (sync status shows them waiting), or ${doing} with force to leave that text there.`,
      { redactedWaiting: n, url },
    );
  }

  /**
   * Redacted entries whose row in the store sync is set to may still hold the text removed. A
   * store never reached since it was set holds nothing of this host's (the rewrites were queued
   * with the whole history when it was set): none there.
   */
  private redactedWaitingInStore(): number {
    if (this.deps.state.config() === null || this.deps.state.cursorStore() === null) return 0;
    return this.deps.outbox.redactedWaiting();
  }

  /** A change refused after it ended the round under way: the rounds go on as before. */
  private resumeRounds(refusal: ApiError): ApiError {
    this.pacing = INITIAL_PACING;
    if (!this.stopped) this.schedule(0);
    return refusal;
  }

  /**
   * `work` after every settings change asked for before it, with no round starting meanwhile
   * (two changes at once would each read the settings the other is replacing).
   */
  private change<T>(work: () => Promise<T>): Promise<T> {
    const run = this.changes.then(async () => {
      this.changing = true;
      try {
        return await work();
      } finally {
        this.changing = false;
      }
    });
    this.changes = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * The password given in the app's settings: written to the data dir's 0600 file, then a
   * fresh connection tries it at once (a refusal otherwise retries only every 15 s). Refused
   * while GROVE_SYNC_PASSWORD is set: the variable wins over the file, which would change nothing.
   */
  setPassword(password: string): Result<SyncStatus, ApiError> {
    if (this.deps.env.GROVE_SYNC_PASSWORD) {
      return err(apiError('sync_password_in_env', "The host takes its sync password from GROVE_SYNC_PASSWORD, which wins over the data dir's file: change the variable where the host is started, or unset it and save the password here."));
    }
    this.deps.logger.addSecret(password);
    const written = writeSyncPassword(this.deps.dataDir, password);
    if (!written.ok) return written;
    if (this.deps.state.config() && !this.stopped) {
      // A round now, or once the one under way has ended, unless another has started by then
      // (a sync.now waiting behind it): that one read the file after it was written. Either
      // way the round connects anew if its connection was opened with another password
      // (connection()); cutting the connection here would cut a round already using it.
      const retry = (): void => {
        if (!this.running) this.schedule(0);
      };
      if (this.running) void this.running.then(retry);
      else retry();
      // Refused before (for want of this password, most likely): the store is being reached
      // anew, and the refusal's error is no longer news until the round says otherwise.
      if (this.st.state === 'refused') this.st = { ...this.st, state: 'connecting', lastError: null };
    }
    this.announce();
    return ok(this.status());
  }

  /**
   * A change of sync's settings, in one SQLite transaction. The outbox's switch is in memory,
   * not in the database: a transaction that rolls back (a full disk) puts it back as well, or
   * sync would stay on with local entries no longer queued (or off, queuing them).
   */
  private savedWithOutbox(work: () => void): void {
    const was = this.deps.outbox.isEnabled();
    try {
      this.deps.store.transaction(work);
    } catch (e) {
      this.deps.outbox.setEnabled(was);
      throw e;
    }
  }

  /** Runs a round now (after the one under way, if any) and answers with the status after it. */
  async syncNow(): Promise<Result<SyncStatus, ApiError>> {
    if (!this.deps.state.config()) return err(apiError('sync_not_configured', 'Sync is off: point this host at the shared MySQL first (sync.set / grove sync set mysql://USER@HOST:PORT/DB).'));
    await this.changes;
    if (!this.deps.state.config()) return err(apiError('sync_not_configured', 'Sync was turned off meanwhile: point this host at the shared MySQL again first.'));
    await this.running;
    this.clearTimer();
    await this.runRound();
    return ok(this.status());
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runRound();
    }, delayMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private runRound(): Promise<void> {
    // A `sync.now` that waited behind the last round must not start one after the host's stop
    // (its store closes next).
    if (this.closed) return Promise.resolve();
    if (this.running) return this.running;
    // Settings are changing: the change runs a round when it is done.
    if (this.changing) return Promise.resolve();
    this.running = (async () => {
      let delay = POLL_MS;
      try {
        const outcome = await this.round();
        if (outcome === null) return;
        const next = nextRound(this.pacing, outcome, this.now());
        this.pacing = next.pacing;
        delay = next.delayMs;
        this.settle(outcome);
      } catch (e) {
        // A bug, not MySQL: logged, and the loop goes on.
        this.deps.logger.error('sync round failed', { error: this.described(e) });
      } finally {
        this.running = null;
        const woken = this.wokenDuringRound && this.st.state === 'idle';
        this.wokenDuringRound = false;
        if (!this.stopped && this.deps.state.config()) this.schedule(woken ? 0 : delay);
      }
    })();
    return this.running;
  }

  /** One round: pull → apply → push. Null when sync is off. */
  private async round(): Promise<RoundEnd | null> {
    const config = this.deps.state.config();
    if (!config) return null;
    const epoch = (this.roundEpoch = this.epoch);
    const current = (): boolean => this.epoch === epoch;
    const source = readSyncPassword(this.deps.env, this.deps.dataDir);
    if (source.kind !== 'found') return { kind: 'refused', message: source.message };
    this.rememberPassword(source);
    try {
      const conn = await this.connection(config, source.password);
      if (!this.schemaReady) {
        const schema = await this.step(ensureSharedSchema(conn, this.timeoutMs));
        if (schema.kind === 'too-new') {
          this.disconnect();
          return schemaTooNew(schema.version);
        }
        this.storeId = await this.step(sharedStoreId(conn));
        this.schemaReady = true;
        this.followStore(this.storeId);
      }
      // Before anything is pulled or pushed: numbers count from the store this host reached.
      const storeId = this.storeId!;
      if (this.deps.store.numberSource().store !== storeId) this.deps.briefs.countNumbersFrom(storeId);
      if (this.deps.outbox.waiting() > 0) this.setState('syncing');
      let moved = 0;
      // A pull stopped at an entry this Grove cannot read (a newer Grove's) says so once the
      // round is over, not before this host's own work went out: the others can read it.
      /** Pulls what is new; the refusal it stopped at, if it did. */
      const pull = async (): Promise<PullRefused | null> => {
        try {
          moved += await pullAll(conn, this.deps, current, (work) => this.step(work));
          this.st.lastPullAt = new Date(this.now()).toISOString();
          return null;
        } catch (e) {
          if (e instanceof PullRefused) return e;
          throw e;
        } finally {
          // Redactions pulled: their words leave the database's files too, once for the whole
          // pull (a purge that fails is logged and owed, not the round's failure).
          this.deps.briefs.purgeRedactedWords();
        }
      };
      // What an idle round costs: one read of the shared counters; the pull only when one moved.
      let counters = await this.step(readRoundCounters(conn, this.deps.state));
      // Checked when this connection opened; another Grove may have migrated it since.
      if (counters.schemaVersion !== SHARED_SCHEMA_VERSION) {
        this.disconnect();
        return counters.schemaVersion > SHARED_SCHEMA_VERSION ? schemaTooNew(counters.schemaVersion) : { kind: 'offline', message: `${config.url}: the shared schema is at version ${counters.schemaVersion}, not ${SHARED_SCHEMA_VERSION} as when this connection opened; connecting again. Local work goes on.` };
      }
      if (counters.wentBack) {
        this.startOver('sync: the shared store went back (restored from a backup, or a replica that was behind took over); this host pulls it from the start and pushes its whole history there, so what the store lost comes back from the hosts that have it', { storeId, cursor: this.deps.state.cursor() });
        counters = await this.step(readRoundCounters(conn, this.deps.state));
      }
      if (counters.unrecordedCursorEntry !== null) this.deps.state.setCursor(this.deps.state.cursor(), counters.unrecordedCursorEntry);
      let refusal = null;
      if (counters.newEntries) refusal = await pull();
      else this.st.lastPullAt = new Date(this.now()).toISOString();
      const { pushed, numbered } = await pushWaiting(conn, this.deps, storeId, (work) => this.step(work), current);
      if (pushed > 0) this.st.lastPushAt = new Date(this.now()).toISOString();
      // The shared store numbered briefs of this push: pulled now, the numbers show this round.
      if (numbered > 0 && !refusal) refusal = await pull();
      if (refusal) return { ...classify(refusal, config, this.timeoutMs), error: refusal };
      // The shared store's images looked after, once this host's own entries are out: what
      // fails here is logged and tried again later, and does not hold the round's sync back.
      if (counters.imagesWanted !== null) await this.answerImageAsks(conn, counters.imagesWanted);
      if (sweepDue(this.deps.state.imagesSweptAt(), this.now())) await this.sweepImages(conn);
      return { kind: 'synced', moved: moved + pushed };
    } catch (e) {
      // Superseded: the change that moved the epoch has the connection, and says the state.
      if (e instanceof RoundSuperseded) return null;
      this.disconnect();
      return { ...classify(e, config, this.timeoutMs), error: e };
    }
  }

  /**
   * The cursor and the outbox belong to one store. The same URL may reach another (the
   * database dropped and made again, another server behind the name): this host then starts
   * over there as with a new URL, its cursor at 0 and its whole history queued, or that store
   * would never get what this host pushed before, nor this host what it holds below the cursor.
   */
  private followStore(storeId: string): void {
    const known = this.deps.state.cursorStore();
    if (known === storeId) return;
    if (known === null) this.deps.state.setCursorStore(storeId);
    else this.startOver('sync: the shared store at this URL is another one than before (made again?); this host pulls it from the start and pushes its whole history there', { was: known, now: storeId }, storeId);
  }

  /**
   * The store is not the one this host's cursor and outbox were kept for (another store, or
   * this one gone back): pulled from the start, and this host's whole history queued. What the
   * store has already is not written twice (a push skips entries it holds).
   */
  private startOver(why: string, details: Record<string, unknown>, storeId: string | null = null): void {
    this.deps.store.transaction(() => {
      this.deps.state.setCursor(0, null);
      this.deps.state.setImagesWantedSeen(0);
      this.deps.outbox.clear();
      this.deps.outbox.enqueueAll();
      if (storeId !== null) this.deps.state.setCursorStore(storeId);
    });
    this.deps.logger.warn(why, details);
  }

  /**
   * A host asked for images (image-repair.ts): after the pull, so an attachment redacted
   * elsewhere is not among those this host offers. Answered (the counter's value kept) only
   * once all went; a failure is asked again by the next round.
   */
  private async answerImageAsks(conn: Connection, wanted: number): Promise<void> {
    try {
      await uploadWantedImages(conn, this.deps, (work) => this.step(work));
      this.deps.state.setImagesWantedSeen(wanted);
    } catch (e) {
      if (e instanceof RoundSuperseded) throw e;
      this.deps.logger.warn('cannot upload the images other hosts asked for; the next round tries again', { error: this.described(e) });
    }
  }

  /** Once a day (image-sweep.ts); a failed sweep waits for the next day too, rather than retry a scan under the push lock every round. */
  private async sweepImages(conn: Connection): Promise<void> {
    this.deps.state.setImagesSweptAt(new Date(this.now()).toISOString());
    try {
      const swept = await sweepUnnamedImages(conn, (work) => this.step(work));
      if (swept > 0) this.deps.logger.info('images no entry names swept from the shared store', { count: swept });
    } catch (e) {
      if (e instanceof RoundSuperseded) throw e;
      this.deps.logger.warn('cannot sweep the shared store of images no entry names; tried again tomorrow', { error: this.described(e) });
    }
  }

  private async connection(config: SyncConfig, password: string): Promise<Connection> {
    if (this.conn && this.connPassword === password) return this.conn;
    // Opened with another password (one saved since): the new one is tried now, not whenever
    // the server next ends this session.
    if (this.conn) this.disconnect();
    const connecting = createConnection(sharedConnectionOptions(config, password, this.timeoutMs));
    let conn: Connection;
    try {
      conn = await this.step(connecting);
    } catch (e) {
      // A connection that completes after its timeout is closed, not left open for ever.
      connecting.then((late) => late.destroy(), () => undefined);
      throw e;
    }
    // A connection that dies between rounds (the server ended an idle session, restarted) is
    // forgotten, so the next round connects anew instead of failing once on a dead one.
    conn.on('error', () => {
      if (this.conn === conn) this.disconnect();
    });
    this.conn = conn;
    this.connPassword = password;
    this.schemaReady = false;
    // A host whose link dies mid-push (a lid closed, a network gone) sends no FIN: the server would
    // keep its session, and with it the entry_seq lock every host's push needs, for wait_timeout
    // (8 hours by default). Bounded here, longer than the quietest pause between rounds.
    await this.step(prepareSharedSession(conn, this.timeoutMs));
    return conn;
  }

  /**
   * The settings changed or the host stops: rounds under way end. Their steps end now too, not
   * when a hung server would have answered (dropping the connection does not fail a query
   * waiting on a server that sends nothing: mysql2 waits for the socket to close).
   */
  private supersede(): void {
    this.epoch++;
    for (const end of [...this.stepsWaiting]) end();
  }

  /** A step that takes longer than the timeout counts as an unreachable server: the connection is dropped, so nothing of it lingers. */
  private async step<T>(work: Promise<T>): Promise<T> {
    // The connection the step talks over: a step left behind (a pull's read ahead whose batch
    // before it was refused) that times out later drops that one, not a newer round's.
    const conn = this.conn;
    let timer: NodeJS.Timeout | undefined;
    let end: (() => void) | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StepTimeout(`the shared store did not answer within ${Math.round(this.timeoutMs / 1000)} s`)), this.timeoutMs);
      end = () => reject(new RoundSuperseded());
      this.stepsWaiting.add(end);
    });
    try {
      const value = await Promise.race([work, deadline]);
      if (this.epoch !== this.roundEpoch) throw new RoundSuperseded();
      return value;
    } catch (e) {
      if (e instanceof StepTimeout && this.conn === conn) this.disconnect();
      work.catch(() => undefined);
      throw e;
    } finally {
      clearTimeout(timer);
      this.stepsWaiting.delete(end!);
    }
  }

  private disconnect(): void {
    this.conn?.destroy();
    this.conn = null;
    this.schemaReady = false;
    this.storeId = null;
  }

  private rememberPassword(source: Extract<PasswordSource, { kind: 'found' }>): void {
    if (this.password === source.password) return;
    this.password = source.password;
    this.deps.logger.addSecret(source.password);
  }

  /** An error as the host's log has it: its code, errno, stack and causes, masked, never the statement sent (round-errors.ts). */
  private described(e: unknown): RoundErrorDetail {
    return describeRoundError(e, (text) => this.mask(text));
  }

  private mask(text: string): string {
    return this.password ? maskSecrets(text, [this.password]).split(this.password).join('…(masked)') : text;
  }

  private settle(outcome: RoundEnd): void {
    if (outcome.kind === 'synced') this.st.lastError = null;
    else {
      const message = this.mask(outcome.message);
      const error = outcome.error === undefined ? undefined : this.described(outcome.error);
      // Logged once per failure, not at every retry of a server down for an hour; the sentence
      // alone may hide what changed (two plain Errors both say "cannot be reached (Error)").
      const errorKey = error ? JSON.stringify([error.error, error.code, error.errno]) : null;
      if (this.st.lastError?.message !== message || this.loggedError !== errorKey) {
        this.deps.logger.warn('sync', { state: outcome.kind, message, ...(error ? { error } : {}) });
        this.loggedError = errorKey;
      }
      this.st.lastError = { message, at: new Date(this.now()).toISOString() };
    }
    this.setState(stateAfter(outcome), outcome.kind === 'synced' && outcome.moved > 0);
  }

  private setState(state: SyncState, moved = false): void {
    this.st.state = state;
    this.announce(moved);
  }

  /** A `sync.status` event when what an operator sees changed (not for every quiet poll). */
  private announce(force = false): void {
    const status = this.status();
    const key = JSON.stringify({ ...status, lastPullAt: null, lastError: status.lastError?.message ?? null });
    if (!force && key === this.announced) return;
    this.announced = key;
    this.announcedRedacted = status.redactedWaiting;
    this.deps.events.append({ type: 'sync.status', status });
  }
}

// Where callers have always found it; it lives beside the connection options now.
export { parseSyncUrl };

/** A shared store whose schema a newer Grove migrated: this one does not touch its tables. */
function schemaTooNew(version: number): RoundOutcome {
  return {
    kind: 'refused',
    message: `The shared store's schema is at version ${version}, newer than this Grove understands (${SHARED_SCHEMA_VERSION}): upgrade Grove on this machine to sync with it. Local work goes on meanwhile.`,
  };
}
