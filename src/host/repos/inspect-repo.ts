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
  } catch {
    return err(apiError('repo_path_missing', `${path} does not exist.`, { path }));
  }
  const real = await realpath(path);
  // Loaded on first use: simple-git is a sizeable part of the host's cold start.
  const { simpleGit } = await import('simple-git');
  const git = simpleGit({ baseDir: real, trimmed: true });
  let isBare: string;
  try {
    isBare = await git.raw(['rev-parse', '--is-bare-repository']);
  } catch {
    return err(apiError('repo_not_git', `${path} is not inside a git repository. Run \`git init\` there first, or pick the repository's checkout.`, { path }));
  }
  if (isBare === 'true') {
    return err(apiError('repo_is_bare', `${path} is a bare repository; Grove needs the checkout that serves the app (MAIN).`, { path }));
  }
  const [top, gitDir, commonDir] = (
    await git.raw(['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-common-dir'])
  ).split('\n');
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
