import { useEffect, useState } from 'react';
import type { HostStatus } from '../../shared/host-status';

/** Version, uptime and data dir of the host this UI is attached to. */
export function HostStatusPanel({ status, fetchedAt }: { status: HostStatus | null; fetchedAt: number }) {
  const now = useNow(1000);
  if (!status) return <section className="panel" data-testid="host-status">Waiting for the host…</section>;
  const uptime = status.uptimeMs + Math.max(0, now - fetchedAt);
  return (
    <section className="panel" data-testid="host-status" aria-label="Host status">
      <h2>Host</h2>
      <dl className="facts">
        <dt>Version</dt>
        <dd data-testid="host-version">{status.version}</dd>
        <dt>Uptime</dt>
        <dd data-testid="host-uptime">{formatUptime(uptime)}</dd>
        <dt>Data dir</dt>
        <dd data-testid="host-data-dir"><code>{status.dataDir}</code></dd>
        <dt>Process</dt>
        <dd data-testid="host-pid">pid {status.pid}</dd>
      </dl>
    </section>
  );
}

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

export function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  return h < 24 ? `${h}h ${m % 60}m` : `${Math.floor(h / 24)}d ${h % 24}h`;
}
