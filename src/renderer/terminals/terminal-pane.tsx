import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import type { AgentInfo } from '../../shared/agents';
import { useHost, useHostStore } from '../connection/use-host';
import { shellBridge } from '../shell/shell-bridge';
import { openTerminalLink } from './open-terminal-link';

/**
 * One agent's terminal. Output arrives as offset-addressed frames; the pane remembers the
 * offset it has written up to, so a reconnect or a "too slow" detach resumes exactly there.
 * It acknowledges after xterm has parsed the data (the write callback), in steps, which is
 * what lets the host pause a flooding agent instead of flooding the page.
 */
const ACK_EVERY_BYTES = 32 * 1024;

export function TerminalPane({ agent }: { agent: AgentInfo }) {
  const store = useHostStore();
  const { connection } = useHost();
  const box = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  /** Offset up to which output was handed to xterm (queued or parsed): de-duplication and `since`. */
  const queued = useRef<number | null>(null);
  const [search, setSearch] = useState('');
  const searchAddon = useRef<SearchAddon | null>(null);

  // The terminal itself, once per agent.
  useEffect(() => {
    const t = new Terminal({ cursorBlink: true, scrollback: 10_000, allowProposedApi: true, fontSize: 13, convertEol: false });
    const fit = new FitAddon();
    const searcher = new SearchAddon();
    t.loadAddon(fit);
    t.loadAddon(searcher);
    t.loadAddon(new WebLinksAddon((_event, uri) => openTerminalLink(uri, { bridge: shellBridge(), openWindow: (url, target, features) => window.open(url, target, features) })));
    t.loadAddon(new Unicode11Addon());
    t.unicode.activeVersion = '11';
    t.open(box.current!);
    try {
      const webgl = new WebglAddon();
      webgl.onContextLoss(() => webgl.dispose()); // fall back to the DOM renderer
      t.loadAddon(webgl);
    } catch {
      /* no WebGL here: the DOM renderer is fine */
    }
    term.current = t;
    searchAddon.current = searcher;
    // Acks report what xterm has parsed (flow control); `queued` moves as soon as data is
    // handed over, so a re-attach asks for exactly what was never handed over.
    let parsed = 0;
    let acked = 0;
    let ackTimer: ReturnType<typeof setTimeout> | null = null;
    const ack = (): void => {
      ackTimer = null;
      if (parsed > acked) {
        acked = parsed;
        store.connection.sendFrame({ kind: 'ack', agentId: agent.id, offset: acked });
      }
    };
    store.setSink(agent.id, {
      write: (offset, data) => {
        const end = offset + data.length;
        const have = queued.current;
        if (have !== null && end <= have) return; // already handed over
        const slice = have !== null && offset < have ? data.subarray(have - offset) : data;
        queued.current = end;
        t.write(slice, () => {
          parsed = Math.max(parsed, end);
          if (parsed - acked >= ACK_EVERY_BYTES) ack();
          else ackTimer ??= setTimeout(ack, 50);
        });
      },
      detached: () => void store.connection.call('agents.attach', { id: agent.id, ...(queued.current !== null ? { since: queued.current } : {}) }),
    });
    const input = t.onData((data) => void store.connection.call('agents.input', { id: agent.id, data }));
    let resizeTimer: ReturnType<typeof setTimeout> | null = null;
    const resize = t.onResize(({ cols, rows }) => {
      if (resizeTimer) clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => void store.connection.call('agents.resize', { id: agent.id, cols, rows }), 100);
    });
    const observer = new ResizeObserver(() => {
      try {
        fit.fit();
      } catch {
        /* not laid out yet */
      }
    });
    observer.observe(box.current!);
    return () => {
      observer.disconnect();
      input.dispose();
      resize.dispose();
      if (ackTimer) clearTimeout(ackTimer);
      store.setSink(agent.id, null);
      void store.connection.call('agents.detach', { id: agent.id });
      t.dispose();
      term.current = null;
    };
  }, [agent.id, store]);

  // (Re-)attach whenever the connection opens: first time from the retained tail, after a
  // reconnect from exactly where this pane stopped receiving.
  useEffect(() => {
    if (connection.kind !== 'open') return;
    void store.connection.call('agents.attach', { id: agent.id, ...(queued.current !== null ? { since: queued.current } : {}) });
  }, [connection.kind, agent.id, store]);

  return (
    <div className="terminal-pane">
      <div className="terminal-search">
        <input
          aria-label={`Search ${agent.name}'s output`}
          placeholder="Search output"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') searchAddon.current?.findNext(search);
          }}
        />
      </div>
      <div className="terminal-box" ref={box} data-testid={`terminal-${agent.name}`} />
    </div>
  );
}
