import type { HostFrame } from '../../shared/wire';

/**
 * The page's reading of a host frame: its shape, not a full validation. The page is served
 * by the host it talks to, over a connection only that host answers, so it trusts the
 * contents and spares its first paint the schema validator (the CLI and the shell, which
 * connect to whatever a discovery file names, validate with parse-host-frame.ts). A frame
 * of an unknown kind or missing what the connection itself relies on is dropped, as the
 * validator would drop it.
 */
export function frameShape(raw: unknown): HostFrame | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const f = raw as Record<string, unknown>;
  const isInt = (v: unknown): v is number => Number.isInteger(v);
  switch (f.kind) {
    case 'hello':
      return isInt(f.protocolVersion) && typeof f.hostVersion === 'string' && isInt(f.latestSeq) ? (f as HostFrame) : null;
    case 'response':
      return (typeof f.id === 'string' || isInt(f.id) || f.id === null) && typeof f.ok === 'boolean' ? (f as HostFrame) : null;
    case 'event': {
      const e = f.envelope as Record<string, unknown> | null | undefined;
      const event = e?.event as Record<string, unknown> | null | undefined;
      return e && isInt(e.seq) && typeof e.at === 'string' && event && typeof event.type === 'string' ? (f as HostFrame) : null;
    }
    case 'gap':
      return isInt(f.since) && isInt(f.latestSeq) ? (f as HostFrame) : null;
    case 'live':
      return isInt(f.latestSeq) ? (f as HostFrame) : null;
    case 'detached':
      return typeof f.agentId === 'string' && typeof f.reason === 'string' ? (f as HostFrame) : null;
    case 'jump':
      return typeof f.agentId === 'string' && isInt(f.fromOffset) && isInt(f.toOffset) && isInt(f.skippedBytes) ? (f as HostFrame) : null;
    default:
      return null;
  }
}
