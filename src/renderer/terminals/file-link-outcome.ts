import type { ResolvedLanePath } from '../../shared/lanes';
import type { Result } from '../../shared/result';

/**
 * What a Ctrl+click on a file path in a lane's terminal does, from the host's answer
 * (lanes.resolvePath): a file the lane changed opens its diff in the lane panel; anything
 * else is a small notice by the terminal naming the path and why there is no diff, with
 * "Copy path" and (in the app, for a file) "Open" and "Show in folder". A path that is not
 * in the lane is remembered by the pane and stops being a link.
 */
export type FileLinkOutcome =
  | { kind: 'show-diff'; relative: string }
  | {
      kind: 'notice';
      /** The path as the operator knows it: relative to the lane when the host said so, else as printed. */
      path: string;
      text: string;
      tone: 'info' | 'warning';
      /** A file inside the lane: the shell may open it or show it in its folder. */
      canOpen: boolean;
      /** The pane stops linking this printed path. */
      isMissing: boolean;
    };

export function fileLinkOutcome(printed: string, answer: Result<ResolvedLanePath, { code: string; message: string }>): FileLinkOutcome {
  if (!answer.ok) {
    const text = answer.error.code === 'path_outside_lane' ? 'outside this lane' : answer.error.message;
    return { kind: 'notice', path: printed, text, tone: 'warning', canOpen: false, isMissing: answer.error.code === 'path_outside_lane' };
  }
  const { relative, exists, isFile, changed } = answer.value;
  if (!exists) return { kind: 'notice', path: printed, text: 'no such file in this lane', tone: 'warning', canOpen: false, isMissing: true };
  if (!isFile) return { kind: 'notice', path: relative, text: 'a directory, not a file', tone: 'info', canOpen: false, isMissing: false };
  if (changed) return { kind: 'show-diff', relative };
  return { kind: 'notice', path: relative, text: 'not changed in this lane', tone: 'info', canOpen: true, isMissing: false };
}
