import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';

import { apiError, type ApiError } from '../../shared/errors';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';

/**
 * Decides whether a path is a repository's MAIN checkout: a git repository's main working
 * tree, not a linked worktree (a lane) and not a bare repository. A path inside the
 * checkout is taken to mean its top level.
 */
export interface InspectedRepo {
  mainPath: string;
  name: string;
}

export async function inspectRepo(path: string): Promise<Result<InspectedRepo, ApiError>> {
  try {
    const s = await stat(path);
    if (!s.isDirectory()) {
      return err(apiError('repo_path_missing', `${path} is a file, not a directory. Give the repository's checkout directory.`, { path }));
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      return err(apiError('repo_path_missing', `The host's user may not read ${path} (permission denied): change its permissions, or run Grove as a user that can read it.`, { path }));
    }
    return err(apiError('repo_path_missing', `${path} does not exist${code && code !== 'ENOENT' ? ` (${code})` : ''}: check the spelling of the path.`, { path }));
  }
  const real = await realpath(path);
  // Loaded on first use: simple-git is a sizeable part of the host's cold start.
  const { simpleGit } = await import('simple-git');
  const git = simpleGit({ baseDir: real, trimmed: true });
  let isBare: string;
  try {
    isBare = await git.raw(['rev-parse', '--is-bare-repository']);
  } catch (e) {
    return err(gitRefusal(path, e));
  }
  if (isBare === 'true') {
    return err(apiError('repo_is_bare', `${path} is a bare repository; Grove needs the checkout that serves the app (MAIN).`, { path }));
  }
  let where: string;
  try {
    where = await git.raw(['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-common-dir']);
  } catch (e) {
    // Inside a repository's .git directory: git knows the repository but has no work tree there.
    if (/must be run in a work tree/.test(messageOf(e))) {
      return err(apiError('repo_not_git', `${path} is inside a repository's .git directory, not its checkout. Pick the checkout: the directory that holds .git.`, { path }));
    }
    return err(gitRefusal(path, e));
  }
  const [top, gitDir, commonDir] = where.split('\n');
  const absCommon = resolve(real, commonDir ?? '');
  if (gitDir !== absCommon) {
    const main = basename(absCommon) === '.git' ? dirname(absCommon) : absCommon;
    return err(
      apiError('repo_is_linked_worktree', `${path} is a linked worktree (a lane). Register the main checkout instead: ${main}`, {
        path,
        mainPath: main,
      }),
    );
  }
  const mainPath = top ?? real;
  return ok({ mainPath, name: basename(mainPath) });
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Why git would not look at `path`, in words that say what to do: not a repository is the
 * common case, but git refuses a repository owned by another user too ("dubious ownership"),
 * and may not be installed at all.
 */
function gitRefusal(path: string, e: unknown): ApiError {
  const message = messageOf(e);
  if (/dubious ownership/.test(message)) {
    return apiError('repo_not_git', `git refuses ${path}: it belongs to another user ("dubious ownership"). If you trust it, run \`git config --global --add safe.directory ${path}\`, or add it as its owner.`, { path });
  }
  if ((e as NodeJS.ErrnoException).code === 'ENOENT' || /spawn git ENOENT/.test(message)) {
    return apiError('repo_not_git', 'git is not installed where the host runs (or not on its PATH): install git, then add the repository again.', { path });
  }
  return apiError('repo_not_git', `${path} is not inside a git repository. Run \`git init\` there first, or pick the repository's checkout.`, { path });
}
