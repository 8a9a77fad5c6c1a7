import { homedir } from 'node:os';
import { resolve, sep } from 'node:path';
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
      const { mainPath } = inspected.value;
      // A folder inside a repository means its top level; never when that is the home folder
      // (a dotfiles repository): every lane under it would be inside MAIN.
      if (mainPath === homedir() && resolve(path) !== mainPath) {
        return err(apiError('repo_not_git', `${path} is not a repository of its own: it is inside the one at your home folder (${mainPath}). Run git init in it first, or register ${mainPath} itself if you mean that.`, { path, mainPath }));
      }
      // One MAIN inside another: lanes of the outer one would hold the inner one's MAIN.
      const nested = store.list().find((r) => mainPath.startsWith(r.mainPath + sep) || r.mainPath.startsWith(mainPath + sep));
      if (nested) {
        const inner = nested.mainPath.startsWith(mainPath + sep);
        return err(apiError('repo_nested', `${mainPath} ${inner ? 'holds' : 'is inside'} ${nested.mainPath}, already registered as "${nested.name}"; one MAIN cannot hold another. Register a checkout outside it.`, { id: nested.id }));
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
