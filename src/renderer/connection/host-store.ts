import type { AgentInfo, StartAgentParams } from '../../shared/agents';
import type { Lane } from '../../shared/lanes';
import { HostConnection, type ConnectionState } from '../../shared/client/host-connection';
import type { MethodName, ParamsOf } from '../../shared/methods';
import { decodeOutputFrame } from '../../shared/terminal-frames';
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
  agents: AgentInfo[] | null;
  lanes: Lane[] | null;
  /** The latest alerts (an agent went fatal, context near its limit), newest first. */
  alerts: { at: string; agentId: string | null; message: string }[];
}

/** Where one terminal pane receives its agent's output. */
export interface OutputSink {
  write(offset: number, data: Uint8Array): void;
  /** The host stopped streaming to us (e.g. we were too slow); the pane re-attaches. */
  detached(reason: string): void;
}

export class HostStore {
  private snapshot: HostSnapshot;
  private readonly listeners = new Set<() => void>();
  private frame: number | null = null;
  readonly connection: HostConnection;

  private readonly sinks = new Map<string, OutputSink>();

  constructor(wsUrl: string) {
    this.connection = new HostConnection({
      connect: () => {
        const ws = new WebSocket(wsUrl);
        ws.binaryType = 'arraybuffer';
        return ws;
      },
      onBinary: (data) => {
        const frame = decodeOutputFrame(new Uint8Array(data as ArrayBuffer));
        if (frame) this.sinks.get(frame.agentId)?.write(frame.offset, frame.data);
      },
    });
    this.connection.onDetached((agentId, reason) => this.sinks.get(agentId)?.detached(reason));
    this.snapshot = { connection: this.connection.connectionState, status: null, statusFetchedAt: 0, repos: null, agents: null, lanes: null, alerts: [] };
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
    return this.act('repos.add', { path });
  }

  startAgent(params: StartAgentParams): Promise<{ ok: true } | { ok: false; message: string }> {
    return this.act('agents.start', params);
  }

  /** Any call whose answer the UI only needs as "done" or "why not". */
  async act<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<{ ok: true } | { ok: false; message: string }> {
    const r = await this.connection.call(method, params);
    return r.ok ? { ok: true } : { ok: false, message: r.error.message };
  }

  /** A pane registers here to receive its agent's output frames. */
  setSink(agentId: string, sink: OutputSink | null): void {
    if (sink) this.sinks.set(agentId, sink);
    else this.sinks.delete(agentId);
  }

  private async refresh(): Promise<void> {
    const [status, repos, agents, lanes] = await Promise.all([
      this.connection.call('host.status', {}),
      this.connection.call('repos.list', {}),
      this.connection.call('agents.list', {}),
      this.connection.call('lanes.list', {}),
    ]);
    this.update({
      ...(status.ok ? { status: status.value, statusFetchedAt: Date.now() } : {}),
      ...(repos.ok ? { repos: repos.value.repos } : {}),
      ...(agents.ok ? { agents: agents.value.agents } : {}),
      ...(lanes.ok ? { lanes: lanes.value.lanes } : {}),
    });
  }

  /** Lanes change on disk too (a worktree made by hand): re-read them from the host. */
  async refreshLanes(): Promise<void> {
    const lanes = await this.connection.call('lanes.list', {});
    if (lanes.ok) this.update({ lanes: lanes.value.lanes });
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
      case 'agent.updated': {
        const list = this.snapshot.agents ?? [];
        const i = list.findIndex((a) => a.id === event.agent.id);
        this.update({ agents: i < 0 ? [...list, event.agent] : list.map((a, j) => (j === i ? event.agent : a)) });
        return;
      }
      case 'lane.created':
      case 'lane.removed':
        void this.refreshLanes();
        return;
      case 'agent.removed':
        this.update({ agents: (this.snapshot.agents ?? []).filter((a) => a.id !== event.id) });
        return;
      case 'alert':
        this.update({ alerts: [{ at: new Date().toISOString(), agentId: event.agentId, message: event.message }, ...this.snapshot.alerts].slice(0, 20) });
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
