import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import { wantsWebgl } from './gl-renderer';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import type { AgentInfo } from '../../shared/agents';
import { formatBytes } from '../../shared/byte-size';
import { jumpResetSequence } from '../../shared/terminal-jump';
import { useHost, useHostStore } from '../connection/use-host';
import { currentKeyboardPlatform } from '../keyboard/platform';
import { shortcutStore } from '../keyboard/shortcut-store';
import { shellBridge } from '../shell/shell-bridge';
import { requestDiffFocus } from '../lanes/diff-focus';
import { FileLinkNotice, type FileNotice } from './file-link-notice';
import { fileLinkOutcome } from './file-link-outcome';
import { fileLinkProvider } from './file-link-provider';
import { FindBar } from './find-bar';
import { writePieces } from './write-pieces';
import { openTerminalLink } from './open-terminal-link';
import { ScrollMemory, terminalScrollMemory } from './scroll-memory';
import { decideTerminalKey, isLinkActivation } from './terminal-keys';
import './terminal-pane.css';
import { terminalSettingsStore, useTerminalSettings } from './terminal-settings-store';
import { onThemeChange, terminalTheme } from './terminal-theme';
import { onFindRequest } from './find-requests';
import { JumpScrollback, SCROLLBACK } from './jump-scrollback';

/**
 * One agent's terminal. Output arrives as offset-addressed frames; the pane remembers the
 * offset it has written up to, so a reconnect or a "too slow" detach resumes exactly there.
 * It acknowledges after xterm has parsed the data (the write callback), in steps: the host
 * sends no more than a window past the last ack, so a flood never floods the page.
 *
 * It attaches with `jump`: when it falls too far behind a flood to parse it in time, the
 * host tells it to jump (a `jump` frame) and it resets the terminal and renders from a
 * restart point near the end, so it shows the current screen rather than a slide show of
 * old ones (while it jumps, its scrollback is short: jump-scrollback.ts). The pane then
 * says how much it skipped; "View all" replays the whole retained
 * output into the terminal without jumping (its scrollback keeps the last 10,000 lines of
 * it; `grove agent tail` reads all of it), until the pane is opened again. Opening the pane
 * replays what the log keeps (unless a raised cap keeps more than is replayed at attach: a
 * jump with reason `attach`, which the pane names as such, not as falling behind).
 */
const ACK_EVERY_BYTES = 32 * 1024;
/** A remount's replay counts as finished once no output has been written for this long. */
const REPLAY_QUIET_MS = 400;
const NOTHING_SKIPPED = { bytes: 0, onlyAtAttach: false };

/**
 * Keys: the registry decides (see terminal-keys.ts). App shortcuts never reach the program;
 * find, copy and paste are handled here; everything else is xterm's to encode.
 */

export function TerminalPane({ agent }: { agent: AgentInfo }) {
  const store = useHostStore();
  const { connection } = useHost();
  const box = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  /** Offset up to which output was handed to xterm (queued or parsed): de-duplication and `since`. */
  const queued = useRef<number | null>(null);
  const [finding, setFinding] = useState(false);
  const searchAddon = useRef<SearchAddon | null>(null);
  const fitAddon = useRef<FitAddon | null>(null);
  const fonts = useTerminalSettings();
  const [fileNotice, setFileNotice] = useState<FileNotice | null>(null);
  /** Bytes the pane skipped (jumps) since it opened or last showed everything, and whether only at attach. */
  const [skipped, setSkipped] = useState<{ bytes: number; onlyAtAttach: boolean }>(NOTHING_SKIPPED);
  /** False while the pane shows everything ("View all"): it attaches without jumping. */
  const jumping = useRef(true);
  const viewAll = useRef<() => void>(() => undefined);

  // The terminal itself, once per agent.
  useEffect(() => {
    const { fontFamily, fontSize } = terminalSettingsStore().current();
    const t = new Terminal({ cursorBlink: true, scrollback: SCROLLBACK, allowProposedApi: true, fontFamily, fontSize, convertEol: false, theme: terminalTheme(document.documentElement) });
    const fit = new FitAddon();
    const searcher = new SearchAddon();
    const platform = currentKeyboardPlatform();
    t.loadAddon(fit);
    t.loadAddon(searcher);
    // The addon joins wrapped lines, so a URL broken across rows opens whole.
    t.loadAddon(
      new WebLinksAddon((event, uri) => {
        if (!isLinkActivation(event, platform)) return;
        openTerminalLink(uri, { bridge: shellBridge(), openWindow: (url, target, features) => window.open(url, target, features) });
      }),
    );
    // File paths (wrapped ones too): a changed file's diff in the lane panel, else a notice.
    const missingPaths = new Set<string>();
    let lastClick = 0;
    const link = t.registerLinkProvider(
      fileLinkProvider(t, {
        isKnownMissing: (path) => missingPaths.has(path),
        onActivate: (candidate, event) => {
          if (!isLinkActivation(event, platform)) return;
          const click = ++lastClick;
          setFileNotice({ kind: 'pending', path: candidate.path });
          void store.request('lanes.resolvePath', { lanePath: agent.lanePath, path: candidate.path }).then((answer) => {
            if (click !== lastClick) return; // a later click answers instead
            const outcome = fileLinkOutcome(candidate.path, answer);
            if (outcome.kind === 'show-diff') {
              setFileNotice(null);
              requestDiffFocus(agent.lanePath, outcome.relative);
              return;
            }
            if (outcome.isMissing) missingPaths.add(candidate.path);
            setFileNotice(outcome);
          });
        },
      }),
    );
    t.loadAddon(new Unicode11Addon());
    t.unicode.activeVersion = '11';
    t.open(box.current!);
    // WebGL on a real GPU only (gl-renderer.ts); else, or if it fails, the DOM renderer.
    if (wantsWebgl()) {
      try {
        const webgl = new WebglAddon();
        webgl.onContextLoss(() => webgl.dispose()); // fall back to the DOM renderer
        t.loadAddon(webgl);
      } catch {
        /* no WebGL here: the DOM renderer is fine */
      }
    }
    term.current = t;
    searchAddon.current = searcher;
    fitAddon.current = fit;
    const sendInput = (data: string): void => void store.connection.call('agents.input', { id: agent.id, data });
    t.attachCustomKeyEventHandler((event) => {
      const decision = decideTerminalKey(shortcutStore().current(), event, { hasSelection: t.hasSelection(), preset: agent.preset });
      if (decision.kind === 'program') return true;
      if (event.type !== 'keydown') return false;
      switch (decision.kind) {
        case 'app':
          break; // the window's shortcut listener runs it
        case 'find':
          event.preventDefault();
          setFinding(true);
          break;
        case 'copy':
          event.preventDefault();
          copySelection(t);
          break;
        case 'paste':
          break; // the browser's paste event follows; xterm pastes it (bracketed when asked for)
        case 'send':
          event.preventDefault();
          sendInput(decision.data);
          break;
      }
      return false;
    });
    // Back to where the operator was: after a remount the retained output is replayed, and
    // the viewport is put back the same distance from the bottom until the replay settles.
    const restoreDistance = terminalScrollMemory.recall(agent.id);
    let restoring = restoreDistance > 0;
    let restoreTimer: ReturnType<typeof setTimeout> | null = null;
    const keepRestoring = (): void => {
      if (!restoring) return;
      t.scrollToLine(ScrollMemory.targetLine(t.buffer.active.baseY, restoreDistance));
      if (restoreTimer) clearTimeout(restoreTimer);
      restoreTimer = setTimeout(() => (restoring = false), REPLAY_QUIET_MS);
    };
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
    const jumpScrollback = new JumpScrollback((lines) => (t.options.scrollback = lines));
    store.setSink(agent.id, {
      write: (offset, data) => {
        const end = offset + data.length;
        const have = queued.current;
        if (have !== null && end <= have) {
          // Already handed over (or this pane is ahead of the host's log, cut back after a
          // crash): acknowledged all the same, or the host's credit for it never comes back.
          parsed = Math.max(parsed, end);
          ackTimer ??= setTimeout(ack, 50);
          return;
        }
        const slice = have !== null && offset < have ? data.subarray(have - offset) : data;
        queued.current = end;
        for (const piece of writePieces(slice, end)) {
          t.write(piece.bytes, () => {
            keepRestoring();
            parsed = Math.max(parsed, piece.end);
            if (parsed - acked >= ACK_EVERY_BYTES) ack();
            else ackTimer ??= setTimeout(ack, 50);
          });
        }
      },
      detached: () => attach(),
      jumped: (jump) => {
        // In order with what was queued before it: the reset comes after the old bytes.
        t.write(jumpResetSequence(jump));
        // A flood the pane cannot keep up with, not a long log opened (reason `attach`).
        if (jump.reason === 'behind' && jumping.current) jumpScrollback.jumped();
        queued.current = jump.toOffset;
        setSkipped((s) => ({ bytes: s.bytes + jump.skippedBytes, onlyAtAttach: (s.bytes === 0 || s.onlyAtAttach) && jump.reason === 'attach' }));
      },
    });
    const attach = (): void =>
      void store.connection.call('agents.attach', { id: agent.id, ...(queued.current !== null ? { since: queued.current } : {}), jump: jumping.current });
    viewAll.current = () => {
      jumping.current = false;
      jumpScrollback.stopped();
      setSkipped(NOTHING_SKIPPED);
      // Stop this attachment first: once the host answered, no frame of it is still coming.
      void store.connection.call('agents.detach', { id: agent.id }).then(() => {
        t.write('\x1bc', () => {
          parsed = 0;
          acked = 0;
          queued.current = null;
          // Without `since`: from the oldest byte kept, cut cleanly, and no `gone` jump for the older ones.
          void store.connection.call('agents.attach', { id: agent.id, jump: false });
        });
      });
    };
    const input = t.onData(sendInput);
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
      jumpScrollback.dispose();
      terminalScrollMemory.remember(agent.id, t.buffer.active);
      if (restoreTimer) clearTimeout(restoreTimer);
      observer.disconnect();
      link.dispose();
      input.dispose();
      resize.dispose();
      if (ackTimer) clearTimeout(ackTimer);
      store.setSink(agent.id, null);
      void store.connection.call('agents.detach', { id: agent.id });
      t.dispose();
      term.current = null;
      fitAddon.current = null;
    };
    // agent.preset and agent.lanePath are fixed for an agent id.
  }, [agent.id, store]);

  // The page's theme, followed when it changes.
  useEffect(() => onThemeChange(document.documentElement, () => term.current && (term.current.options.theme = terminalTheme(document.documentElement))), []);

  // Font settings apply to open terminals at once.
  useEffect(() => {
    const t = term.current;
    if (!t || (t.options.fontFamily === fonts.fontFamily && t.options.fontSize === fonts.fontSize)) return;
    t.options.fontFamily = fonts.fontFamily;
    t.options.fontSize = fonts.fontSize;
    try {
      fitAddon.current?.fit();
    } catch {
      /* not laid out yet */
    }
  }, [fonts]);

  // The palette's "Find in the terminal" for this agent.
  useEffect(() => onFindRequest(agent.id, () => setFinding(true)), [agent.id]);

  // (Re-)attach whenever the connection opens: first time from the retained tail, after a
  // reconnect from exactly where this pane stopped receiving.
  useEffect(() => {
    if (connection.kind !== 'open') return;
    void store.connection.call('agents.attach', { id: agent.id, ...(queued.current !== null ? { since: queued.current } : {}), jump: jumping.current });
  }, [connection.kind, agent.id, store]);

  return (
    <div className="terminal-pane">
      {finding && (
        <FindBar
          agentName={agent.name}
          searcher={searchAddon.current}
          onClose={() => {
            setFinding(false);
            term.current?.focus();
          }}
        />
      )}
      <div className="terminal-box" ref={box} data-testid={`terminal-${agent.name}`} />
      {skipped.bytes > 0 && (
        <div className="terminal-skipped" role="status" data-testid={`terminal-skipped-${agent.name}`}>
          <span>{skipped.onlyAtAttach ? `Showing recent output; ${formatBytes(skipped.bytes)} before it not replayed` : `Skipped ${formatBytes(skipped.bytes)} of output to keep up`}</span>
          <button type="button" className="link-button" onClick={() => viewAll.current()}>
            View all
          </button>
        </div>
      )}
      {fileNotice && (
        <FileLinkNotice
          key={fileNotice.path}
          notice={fileNotice}
          lanePath={agent.lanePath}
          onClose={() => {
            setFileNotice(null);
            term.current?.focus();
          }}
        />
      )}
    </div>
  );
}

/** The selection to the clipboard; then cleared, so the next Ctrl+C is ^C for the program again. */
function copySelection(t: Terminal): void {
  const text = t.getSelection();
  if (text === '') return;
  // Without the async clipboard (an insecure origin), a copy command: xterm's copy handler fills it.
  if (navigator.clipboard?.writeText) void navigator.clipboard.writeText(text).catch(() => undefined);
  else document.execCommand('copy');
  t.clearSelection();
}
