import type { ApiError } from '../../shared/errors';
import { apiError } from '../../shared/errors';

/**
 * Exposure checks made before the token is even looked at.
 * - Host: a page on evil.example that rebinds its DNS name to 127.0.0.1 still sends
 *   `Host: evil.example`; only loopback names (and names the operator allowed) pass.
 * - Origin: a browser always names the page that opened a WebSocket or sent a request; only
 *   the host's own origin passes. Clients that are not browsers send no Origin and are
 *   judged by their token alone.
 */
export interface ExposurePolicy {
  port: number;
  /** Extra host names the operator allowed (e.g. a name in /etc/hosts for a remote box). */
  allowedHosts: readonly string[];
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

function hostNamesOf(policy: ExposurePolicy): string[] {
  return [...LOOPBACK_NAMES, ...policy.allowedHosts.map((h) => h.toLowerCase())];
}

export function checkHostHeader(host: string | undefined, policy: ExposurePolicy): ApiError | null {
  if (!host) return apiError('forbidden_host', 'The request has no Host header.');
  const h = host.toLowerCase();
  for (const name of hostNamesOf(policy)) {
    if (h === `${name}:${policy.port}` || h === name) return null;
  }
  return apiError(
    'forbidden_host',
    `Host "${host}" is not this Grove host. Use http://127.0.0.1:${policy.port}, or start the host with --allow-host NAME to allow another name.`,
    { host },
  );
}

export function ownOrigins(policy: ExposurePolicy): string[] {
  return hostNamesOf(policy).map((n) => `http://${n}:${policy.port}`);
}

export function checkOrigin(origin: string | undefined, policy: ExposurePolicy): ApiError | null {
  if (origin === undefined) return null;
  if (ownOrigins(policy).includes(origin.toLowerCase())) return null;
  return apiError(
    'forbidden_origin',
    `Origin "${origin}" may not talk to this Grove host: only pages served by the host itself may.`,
    { origin },
  );
}
