import { HostConnection, type ConnectionState } from '../../shared/client/host-connection';
import type { EventEnvelope } from '../../shared/events';
import type { HostStatus } from '../../shared/host-status';
import type { Repo } from '../../shared/repo';
import { Paths } from '../../shared/wire';

/**
 * The UI's one store of host state: the connection, the host's status and the repositories,
 * kept current from the event stream. Listeners are notified at most once per animation
 * frame however many events arrive, so a burst costs one render.
 */
export interface HostSnapshot {
  connection: ConnectionState;
  status: HostStatus | null;
  /** When `status` was fetched, by the browser's clock: uptime ticks from here. */
  statusFetchedAt: number;
  repos: Repo[] | null;
}

export class HostStore {
  private snapshot: HostSnapshot;
  private readonly listeners = new Set<() => void>();
  private frame: number | null = null;
  readonly connection: HostConnection;

  constructor(wsUrl: string) {
    this.connection = new HostConnection({ connect: () => new WebSocket(wsUrl) });
    this.snapshot = { connection: this.connection.connectionState, status: null, statusFetchedAt: 0, repos: null };
    this.connection.onState((s) => {
      this.update({ connection: s });
      if (s.kind === 'open') void this.refresh();
    });
    this.connection.onEvent((e) => this.apply(e));
    this.connection.onGap(() => void this.refresh());
  }

  start(): void {
    this.connection.start();
  }

  getSnapshot = (): HostSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  async addRepo(path: string): Promise<{ ok: true } | { ok: false; message: string }> {
    const r = await this.connection.call('repos.add', { path });
    return r.ok ? { ok: true } : { ok: false, message: r.error.message };
  }

  private async refresh(): Promise<void> {
    const [status, repos] = await Promise.all([
      this.connection.call('host.status', {}),
      this.connection.call('repos.list', {}),
    ]);
    this.update({
      ...(status.ok ? { status: status.value, statusFetchedAt: Date.now() } : {}),
      ...(repos.ok ? { repos: repos.value.repos } : {}),
    });
  }

  private apply({ event }: EventEnvelope): void {
    switch (event.type) {
      case 'host.started':
        void this.refresh();
        return;
      case 'repo.added':
        if (this.snapshot.repos && !this.snapshot.repos.some((r) => r.id === event.repo.id)) {
          this.update({ repos: [...this.snapshot.repos, event.repo].sort((a, b) => a.name.localeCompare(b.name)) });
        }
        return;
      case 'repo.removed':
        if (this.snapshot.repos) this.update({ repos: this.snapshot.repos.filter((r) => r.id !== event.id) });
        return;
      case 'host.stopping':
        return;
    }
  }

  private update(patch: Partial<HostSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      for (const l of this.listeners) l();
    });
  }
}

export function hostWsUrl(location: Location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${Paths.ws}`;
}
