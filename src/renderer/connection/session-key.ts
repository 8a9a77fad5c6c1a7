import { Paths } from '../../shared/paths';
import { SessionKey } from '../../shared/session-key';

/**
 * The page's session key, which the login hand-off wrote into this origin's local storage
 * (src/host/api/login-pages.ts); null when there is none (storage cleared or refused).
 */
export function readSessionKey(storage: Pick<Storage, 'getItem'> | null = pageStorage()): string | null {
  try {
    const key = storage?.getItem(SessionKey.storageItem) ?? null;
    return key === '' ? null : key;
  } catch {
    return null;
  }
}

/** The page without a usable session goes to the page that says how to log in. */
export function goLogIn(location: Pick<Location, 'replace'> = window.location): void {
  location.replace(Paths.auth);
}

function pageStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // a browser that refuses this page storage throws on the property itself
  }
}
