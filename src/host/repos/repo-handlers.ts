import { apiError } from '../../shared/errors';
import { err, ok } from '../../shared/result';
import type { Handlers } from '../api/dispatch';
import type { EventLog } from '../events/event-log';
import { uuidv7 } from '../ids';
import { inspectRepo } from './inspect-repo';
import type { RepoStore } from './repo-store';
import type { RepoLocks } from '../lanes/repo-lock';
import { repoBlockers, type RepoInUseDeps } from './repo-in-use';

export function repoHandlers(
  store: RepoStore,
  events: EventLog,
  inUse: RepoInUseDeps & { locks: RepoLocks },
): Pick<Handlers, 'repos.list' | 'repos.add' | 'repos.remove'> {
  return {
    'repos.list': () => ok({ repos: store.list() }),
    'repos.add': async ({ path }) => {
      const inspected = await inspectRepo(path);
      if (!inspected.ok) return inspected;
      const existing = store.findByPath(inspected.value.mainPath);
      if (existing) {
        return err(apiError('repo_already_added', `${existing.mainPath} is already registered as "${existing.name}".`, { id: existing.id }));
      }
      const id = uuidv7();
      // Registered untrusted: nothing from its grove.yaml runs until the operator trusts it (repos.trust).
      store.insert({ id, ...inspected.value, addedAt: new Date().toISOString() });
      const repo = store.get(id)!;
      events.append({ type: 'repo.added', repo });
      return ok({ repo });
    },
    'repos.remove': ({ id }) => {
      // Forgets the registration only; the checkout on disk is never touched.
      const repo = store.get(id);
      if (!repo) return err(apiError('repo_unknown', `No repository with id ${id}.`, { id }));
      // Under the repository's lock: no lane is created or merged between the look and the removal.
      return inUse.locks.run(id, async () => {
        const blockers = await repoBlockers(repo, inUse);
        if (blockers.length) {
          const list = blockers.map((b) => `  - ${b}`).join('\n');
          return err(apiError('repo_in_use', `${repo.name} is still in use, so it stays registered:\n${list}\nMerge, remove (or archive) its lanes and stop its agents first.`, { blockers }));
        }
        if (!store.remove(id)) return err(apiError('repo_unknown', `No repository with id ${id}.`, { id }));
        events.append({ type: 'repo.removed', id });
        return ok({ removed: true as const });
      });
    },
  };
}
