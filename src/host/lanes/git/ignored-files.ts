import { runGit } from './run-git';

/**
 * What a lane holds that git ignores, as git's own rules say (.gitignore, .git/info/exclude,
 * core.excludesFile): `dirs`, folders git ignores whole (dependencies, build output, caches;
 * each named once, ending in '/'), and `files`, ignored files anywhere else (`.env`, a local
 * config beside tracked ones). Removing the lane deletes both; an archive keeps the files
 * (keep-ignored-files.ts), not the folders, which their tools make again.
 */
export async function listIgnored(lanePath: string): Promise<{ files: string[]; dirs: string[] }> {
  // --directory: a folder whose every file is ignored is named once instead of file by file.
  const { stdout } = await runGit(lanePath, ['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z']);
  const entries = stdout.split('\0').filter(Boolean);
  // A folder holding only ignored files under rules that name files (`*.pem`) is listed with
  // those files: it is not ignored whole, its files are.
  const dirs = entries.filter((e) => e.endsWith('/') && !entries.some((o) => o !== e && o.startsWith(e)));
  return { files: entries.filter((e) => !e.endsWith('/')), dirs };
}
