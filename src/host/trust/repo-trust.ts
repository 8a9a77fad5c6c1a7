import { statSync } from 'node:fs';
import { apiError, type ApiError } from '../../shared/errors';
import type { Repo } from '../../shared/repo';
import { err, ok, type Result } from '../../shared/result';
import type { CommandEntry, RepoCommands, TrustState } from '../../shared/trust';
import type { Handlers } from '../api/dispatch';
import type { EventLog } from '../events/event-log';
import type { Logger } from '../logger';
import { describeProblems, readRepoConfig } from '../lanes/repo-config';
import type { AssessTrust, RepoStore } from '../repos/repo-store';
import { commandDigest, commandEntries, describeChanges, diffCommands, firstVersionDigest } from './command-digest';
import { onlyWithholdsMore } from './trusted-withholding';

/**
 * Whether a repository's current commands are the trusted ones. An unreadable grove.yaml
 * is not trusted (nothing runs while it has problems anyway).
 */
export function assessTrust(dataDir: string): AssessTrust {
  // Every repository lookup asks, and the trust watch asks every 2 s: read, parse and hash
  // the files again only when one of them changed on disk (the answer is for display and
  // alerts; runners check the digest of what they read themselves, in usableConfig).
  const memo = new Map<string, { files: string[]; key: string; trust: TrustState }>();
  return (repo, trustedCommands) => {
    if (repo.trustedDigest === null) return 'untrusted';
    const seen = memo.get(repo.id);
    if (seen && seen.key === filesKey(seen.files, repo)) return seen.trust;
    const loaded = readRepoConfig(repo, dataDir);
    const trust: TrustState = loaded.problems.length > 0 ? 'changed' : trustOfEntries(commandEntries(loaded.config), repo.trustedDigest, trustedCommands);
    const files = loaded.files.map((f) => f.path);
    memo.set(repo.id, { files, key: filesKey(files, repo), trust });
    return trust;
  };
}

/** Trusted: the trusted commands, or those withholding more from agents (trusted-withholding.ts). */
function trustOfEntries(entries: readonly CommandEntry[], trustedDigest: string | null, trusted: () => readonly CommandEntry[]): TrustState {
  if (trustedDigest === null) return 'untrusted';
  return commandDigest(entries) === trustedDigest || onlyWithholdsMore(entries, trusted(), trustedDigest) ? 'trusted' : 'changed';
}

/** What the answer depends on: the trusted digest and each file as it stands on disk (or its absence). */
function filesKey(files: readonly string[], repo: Pick<Repo, 'mainPath' | 'name' | 'trustedDigest'>): string {
  const parts = files.map((path) => {
    const st = statSync(path, { bigint: true, throwIfNoEntry: false });
    return st ? `${path}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : `${path}:-`;
  });
  return [repo.trustedDigest, repo.mainPath, repo.name, ...parts].join('|');
}

export interface RepoTrustDeps {
  repos: RepoStore;
  events: EventLog;
  logger: Logger;
  dataDir: string;
  /** How often grove.yaml and the override are looked at between MAIN's events. Default 2000. */
  pollMs?: number;
}

/**
 * Asking before running a repository's commands: what they are (`repos.commands`), trusting
 * them (`repos.trust`), and noticing when they change. A change is told once per new digest,
 * across restarts (the digest told is stored): an `alert` with the difference, and a
 * `repo.commandsChanged` event that becomes a notification. Runners never ask this class:
 * they read grove.yaml through `usableConfig`, which refuses untrusted commands itself.
 */
export class RepoTrust {
  private readonly known = new Map<string, TrustState>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: RepoTrustDeps) {}

  /** Before anything else runs: repositories registered before trust existed keep working. */
  start(): void {
    this.adoptMigrated();
    this.carryOverFirstVersion();
    for (const repo of this.deps.repos.list()) this.check(repo.id);
    this.unsubscribe = this.deps.events.subscribe(({ event }) => {
      // After the event reached every listener (see Notifier.start).
      if (event.type === 'repo.added') queueMicrotask(() => this.check(event.repo.id));
      else if (event.type === 'main.state') queueMicrotask(() => this.check(event.state.repoId));
      else if (event.type === 'repo.removed') this.known.delete(event.id);
    });
    this.timer = setInterval(() => {
      for (const repo of this.deps.repos.list()) this.check(repo.id);
    }, this.deps.pollMs ?? 2000);
    this.timer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  commands(repoId: string): Result<RepoCommands, ApiError> {
    const repo = this.deps.repos.get(repoId);
    const record = this.deps.repos.trustOf(repoId);
    if (!repo || !record) return err(apiError('repo_unknown', `No repository with id ${repoId}.`, { repoId }));
    const loaded = readRepoConfig(repo, this.deps.dataDir);
    if (loaded.problems.length > 0) return err(describeProblems(repo, loaded.problems));
    const commands = commandEntries(loaded.config);
    const digest = commandDigest(commands);
    const state = trustOfEntries(commands, record.digest, () => record.commands);
    return ok({
      repoId,
      state,
      digest,
      commands,
      trustedDigest: record.digest,
      trustedAt: record.at,
      changes: state === 'changed' ? diffCommands(record.commands, commands) : [],
    });
  }

  /** Trusts the commands whose digest the operator was shown; refuses when they changed since. */
  trust(repoId: string, digest: string): Result<{ repo: Repo; commands: RepoCommands }, ApiError> {
    const current = this.commands(repoId);
    if (!current.ok) return current;
    const name = this.deps.repos.get(repoId)?.name ?? repoId;
    if (current.value.digest !== digest) {
      return err(
        apiError('trust_digest_mismatch', `${name}'s commands changed since they were shown (digest ${digest.slice(0, 12)} is now ${current.value.digest.slice(0, 12)}); review them again: grove repo trust ${name}`, {
          digest: current.value.digest,
        }),
      );
    }
    this.deps.repos.trust(repoId, digest, current.value.commands, new Date().toISOString());
    this.deps.logger.info('repository trusted', { repo: name, digest });
    const repo = this.deps.repos.get(repoId)!;
    this.known.set(repoId, repo.trust);
    this.deps.events.append({ type: 'repo.updated', repo });
    const after = this.commands(repoId);
    return ok({ repo, commands: after.ok ? after.value : current.value });
  }

  handlers(): Pick<Handlers, 'repos.commands' | 'repos.trust'> {
    return {
      'repos.commands': ({ repoId }) => this.commands(repoId),
      'repos.trust': ({ repoId, digest }) => this.trust(repoId, digest),
    };
  }

  /** Looks at one repository: a new trust state is announced, a new set of changed commands told once. */
  check(repoId: string): void {
    const repo = this.deps.repos.get(repoId);
    if (!repo) return;
    const before = this.known.get(repoId);
    this.known.set(repoId, repo.trust);
    if (before !== undefined && before !== repo.trust) this.deps.events.append({ type: 'repo.updated', repo });
    // Back to what was trusted (the change undone): the next change, even the same one again, is told again.
    if (repo.trust === 'trusted' && this.deps.repos.trustOf(repoId)?.alerted) this.deps.repos.markAlerted(repoId, null);
    if (repo.trust !== 'changed') return;
    const current = this.commands(repoId);
    const record = this.deps.repos.trustOf(repoId);
    if (!current.ok || !record || record.alerted === current.value.digest) return;
    this.deps.repos.markAlerted(repoId, current.value.digest);
    const changes = current.value.changes;
    const message = [
      `${repo.name}'s grove.yaml commands changed since you trusted them; Grove stopped running them until you trust them again (grove repo trust ${repo.name}):`,
      ...describeChanges(changes),
    ].join('\n');
    this.deps.logger.warn('repository commands changed; not running them', { repo: repo.name, digest: current.value.digest });
    this.deps.events.append({ type: 'alert', agentId: null, repoId, message });
    this.deps.events.append({ type: 'repo.commandsChanged', repoId, digest: current.value.digest, changes });
  }

  /**
   * A trust given under the digest's first version (before it covered what withholds from
   * agents) still holds when the commands are the ones trusted: it is stored again under the
   * current version, with the withholding in force now, which is what the agents ran with.
   * Any other stored digest is left as it is (changed: the operator reviews the difference).
   */
  private carryOverFirstVersion(): void {
    for (const repo of this.deps.repos.list()) {
      const record = this.deps.repos.trustOf(repo.id);
      if (!record?.digest || repo.trust === 'trusted') continue;
      const current = this.commands(repo.id);
      if (!current.ok || firstVersionDigest(current.value.commands) !== record.digest) continue;
      this.deps.repos.trust(repo.id, current.value.digest, current.value.commands, record.at ?? new Date().toISOString());
      this.deps.logger.info('repository trust carried over to the digest that covers withholding', { repo: repo.name, digest: current.value.digest });
    }
  }

  /**
   * Repositories registered before trust existed: their operator already ran their
   * commands, so the current ones are trusted, and said once (the mark is cleared either way).
   */
  private adoptMigrated(): void {
    for (const repo of this.deps.repos.list()) {
      const record = this.deps.repos.trustOf(repo.id);
      if (!record?.migrated) continue;
      const current = this.commands(repo.id);
      if (current.ok) {
        this.deps.repos.trust(repo.id, current.value.digest, current.value.commands, new Date().toISOString());
        const message = `${repo.name} was registered before Grove asked to trust a repository's commands; its ${current.value.commands.length} current command(s) are trusted (digest ${current.value.digest.slice(0, 12)}). Review them any time with: grove repo trust ${repo.name}`;
        this.deps.logger.info('repository trusted by migration', { repo: repo.name, digest: current.value.digest });
        this.deps.events.append({ type: 'alert', agentId: null, repoId: repo.id, message });
      } else {
        this.deps.repos.clearMigrated(repo.id);
        const message = `${repo.name} was registered before Grove asked to trust a repository's commands, but its grove.yaml cannot be read now (${current.error.message.split('\n')[0]}); fix it, then trust it: grove repo trust ${repo.name}`;
        this.deps.logger.warn('repository not trusted by migration', { repo: repo.name, error: current.error.message });
        this.deps.events.append({ type: 'alert', agentId: null, repoId: repo.id, message });
      }
    }
  }
}
