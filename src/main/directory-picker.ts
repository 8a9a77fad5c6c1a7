import { isAbsolutePath } from '../shared/methods';
import { isSameOrigin } from './window-policy';

/**
 * The native folder picker's decisions, kept free of Electron so they are tested under Node:
 * who may ask for it, how it is shown, and what of its answer reaches the page. The page
 * gets a path or null, nothing else; adding the repository stays the host's job.
 */

/** Shown over the calling window, folders only (never files, never several). */
export const PICK_DIRECTORY_OPTIONS = {
  title: 'Choose the MAIN checkout',
  buttonLabel: 'Choose',
  properties: ['openDirectory', 'createDirectory'],
} as const satisfies { title: string; buttonLabel: string; properties: ('openDirectory' | 'createDirectory')[] };

/** Only Grove's own page (served by the attached host) may open the picker. */
export function mayPickDirectory(senderUrl: string, hostUrl: string): boolean {
  return isSameOrigin(senderUrl, hostUrl);
}

/** The dialog's answer as the page receives it: the one absolute path chosen, or null (cancelled, nothing chosen). */
export function pickedDirectory(answer: { canceled: boolean; filePaths: readonly string[] }): string | null {
  if (answer.canceled || answer.filePaths.length !== 1) return null;
  const [path] = answer.filePaths;
  return path && isAbsolutePath(path) ? path : null;
}
