import { runGit } from './run-git';

/**
 * Who Grove commits as when the user has not said: merges, rebases and commits made for a
 * lane must not fail with "Please tell me who you are" on a machine without `user.name` or
 * `user.email`. Only what is missing is filled in, and only for that one command (`-c`),
 * so a configured identity (or GIT_AUTHOR_* / GIT_COMMITTER_* in the environment, which
 * win over config) is always the one recorded.
 */
export const FALLBACK_IDENTITY = { name: 'Grove', email: 'grove@localhost' } as const;

/** `-c user.name=… -c user.email=…` for whichever of the two is not configured, else []. */
export async function fallbackIdentityArgs(repoPath: string): Promise<string[]> {
  const args: string[] = [];
  const wanted = [
    ['user.name', FALLBACK_IDENTITY.name],
    ['user.email', FALLBACK_IDENTITY.email],
  ] as const;
  for (const [key, value] of wanted) {
    const got = await runGit(repoPath, ['config', '--get', key], { okCodes: [1] });
    if (got.code !== 0 || got.stdout.trim() === '') args.push('-c', `${key}=${value}`);
  }
  return args;
}
