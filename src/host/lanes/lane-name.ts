import { apiError, type ApiError } from '../../shared/errors';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';

/**
 * Lane names become directory names and branch names, so they are held to the narrowest
 * rule that serves both: letters, digits, '.', '_', '-', not starting with '-' or '.', no
 * '..', no '.lock' ending, at most 64 characters. Anything else (a path, an option, a
 * control character, a shell metacharacter) is refused with the reason.
 */
export function checkLaneName(name: string): Result<string, ApiError> {
  const refuse = (why: string) => err(apiError('lane_name_invalid', `The lane name ${JSON.stringify(name)} ${why}. Use letters, digits, '.', '_' and '-', e.g. "design".`, { name }));
  if (name.length === 0 || name.length > 64) return refuse('must be 1 to 64 characters long');
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return refuse('contains a character that is not allowed');
  if (name.startsWith('-') || name.startsWith('.')) return refuse("may not start with '-' or '.'");
  if (name.includes('..')) return refuse("may not contain '..'");
  if (name.endsWith('.lock') || name.endsWith('.')) return refuse("may not end with '.lock' or '.'");
  return ok(name);
}

/**
 * Branch names: git's own rules (checked by git check-ref-format) plus no leading '-'. A
 * full ref of a local branch (`refs/heads/x`) is taken as its short name `x`: git would
 * otherwise make `refs/heads/refs/heads/x`, a second branch that never merges into `x`.
 * Any other full ref (`refs/remotes/…`, `refs/tags/…`) is refused: a lane works on a branch.
 */
export function preCheckBranchName(branch: string): Result<string, ApiError> {
  const refuse = (why: string) => err(apiError('lane_name_invalid', `The branch name ${JSON.stringify(branch)} ${why}.`, { branch }));
  if (branch.length === 0 || branch.length > 200) return refuse('must be 1 to 200 characters long');
  if (branch.startsWith('-')) return refuse("may not start with '-'");
  if ([...branch].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return refuse('contains a control character');
  if (branch.startsWith('refs/heads/')) return preCheckBranchName(branch.slice('refs/heads/'.length));
  if (branch.startsWith('refs/')) {
    return refuse(`is a ref, not a branch; give a branch name (the part after refs/heads/), e.g. ${JSON.stringify(branch.split('/').at(-1) || 'design')}`);
  }
  return ok(branch);
}
