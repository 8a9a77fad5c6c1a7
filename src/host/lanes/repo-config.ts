import { apiError, type ApiError } from '../../shared/errors';
import type { GroveConfig, RepoConfig } from '../../shared/config';
import type { Repo } from '../../shared/repo';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { loadRepoConfig, overridePathFor } from '../config/load-config';

/**
 * A repository's grove.yaml, read fresh for every operation (an edit takes effect at once,
 * no reload). With any problem the operation is refused: acting on half a recipe could
 * serve a lane on the wrong port or skip a gate.
 */
export function readRepoConfig(repo: Repo, dataDir: string): RepoConfig {
  return loadRepoConfig(repo.mainPath, overridePathFor(dataDir, repo.name));
}

export function usableConfig(repo: Repo, dataDir: string): Result<GroveConfig, ApiError> {
  const loaded = readRepoConfig(repo, dataDir);
  if (loaded.problems.length === 0) return ok(loaded.config);
  const lines = loaded.problems.map((p) => `${p.file}${p.line !== null ? `:${p.line}` : ''}: ${p.message}`);
  return err(apiError('config_invalid', `${repo.name}'s grove.yaml has ${lines.length} problem(s); fix them first:\n${lines.join('\n')}`, { problems: loaded.problems }));
}
