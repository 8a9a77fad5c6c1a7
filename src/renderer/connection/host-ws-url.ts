import { Paths } from '../../shared/paths';

/** The host's socket for a page it served (early-socket.js builds the same URL). */
export function hostWsUrl(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${Paths.ws}`;
}
