import { apiError, type ApiError } from '../../shared/errors';
import type { GroveConfig, RepoConfig } from '../../shared/config';
import type { Repo } from '../../shared/repo';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { loadRepoConfig, overridePathFor } from '../config/load-config';
import { commandDigest, commandEntries, withoutCommands } from '../trust/command-digest';
import { onlyWithholdsMore, withTrustedWithholding } from '../trust/trusted-withholding';
import type { RepoStore } from '../repos/repo-store';

/**
 * A repository's grove.yaml, read fresh for every operation (an edit takes effect at once,
 * no reload). With any problem the operation is refused: acting on half a recipe could
 * serve a lane on the wrong port or skip a gate.
 */
export function readRepoConfig(repo: Pick<Repo, 'mainPath' | 'name' | 'overrideName'>, dataDir: string): RepoConfig {
  return loadRepoConfig(repo.mainPath, overridePathFor(dataDir, repo.overrideName ?? repo.name));
}

export function describeProblems(repo: Pick<Repo, 'name'>, problems: RepoConfig['problems']): ApiError {
  const lines = problems.map((p) => `${p.file}${p.line !== null ? `:${p.line}` : ''}: ${p.message}`);
  return apiError('config_invalid', `${repo.name}'s grove.yaml has ${lines.length} problem(s); fix them first:\n${lines.join('\n')}`, { problems });
}

/**
 * The config every runner acts on (probes, setup, check, gate, serve, ops), only when the
 * operator trusted exactly these commands: the digest of what was just read is compared
 * with the trusted one, so a file changed between a check and a run is never run. A file
 * that differs from the trusted one only by withholding more from agents is used too.
 * `withoutRecipes`: the operator asked to go on without the repository's commands (a lane
 * created without its recipe); the config then holds none of them, trusted or not, and
 * withholds at least what the last trust did (`repos`: where that trust is kept).
 */
export function usableConfig(repos: Pick<RepoStore, 'trustOf'>, repo: Repo, dataDir: string, o: { withoutRecipes?: boolean } = {}): Result<GroveConfig, ApiError> {
  const loaded = readRepoConfig(repo, dataDir);
  if (loaded.problems.length > 0) return err(describeProblems(repo, loaded.problems));
  if (o.withoutRecipes) return ok(withTrustedWithholding(withoutCommands(loaded.config), repos.trustOf(repo.id)?.commands ?? []));
  const entries = commandEntries(loaded.config);
  const digest = commandDigest(entries);
  if (repo.trustedDigest === digest) return ok(loaded.config);
  // Only when the digest differs: the trusted entries are read (and parsed) for nothing else.
  const trusted = repos.trustOf(repo.id);
  if (trusted && trusted.digest === repo.trustedDigest && onlyWithholdsMore(entries, trusted.commands, trusted.digest)) return ok(loaded.config);
  return err(untrustedError(repo, digest));
}

export function untrustedError(repo: Pick<Repo, 'id' | 'name' | 'trustedDigest'>, digest: string): ApiError {
  const details = { repoId: repo.id, digest, trustedDigest: repo.trustedDigest };
  if (repo.trustedDigest === null) {
    return apiError(
      'repo_untrusted',
      `${repo.name} is untrusted: nothing from its grove.yaml runs until you trust its commands. Review and trust them with: grove repo trust ${repo.name}`,
      details,
    );
  }
  return apiError(
    'commands_changed',
    `${repo.name}'s grove.yaml commands changed since you trusted them, so Grove no longer runs them. Review the change and trust it with: grove repo trust ${repo.name}`,
    details,
  );
}

export const isTrustRefusal = (e: ApiError): boolean => e.code === 'repo_untrusted' || e.code === 'commands_changed';
