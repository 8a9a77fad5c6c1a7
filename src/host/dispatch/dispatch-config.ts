import type { Repo } from '../../shared/repo';
import { readRepoConfig } from '../lanes/repo-config';
import type { DispatchConfig } from './dispatch-service';

export const DEFAULT_MAX_AGENTS = 3;

/**
 * A repository's `dispatch` settings. They run no command, so they are read without the
 * trust check; a grove.yaml with problems gives the defaults (the lane's own creation then
 * refuses with the problems named).
 */
export function dispatchConfig(repo: Repo | undefined, dataDir: string): DispatchConfig {
  const loaded = repo ? readRepoConfig(repo, dataDir) : null;
  const d = loaded && loaded.problems.length === 0 ? loaded.config.dispatch : undefined;
  return { maxAgents: d?.maxAgents ?? DEFAULT_MAX_AGENTS, onMerge: d?.onMerge ?? 'in_review' };
}
