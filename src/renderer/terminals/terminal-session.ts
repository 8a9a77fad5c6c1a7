import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal } from '@xterm/xterm';
import type { AgentInfo } from '../../shared/agents';
import { jumpResetSequence } from '../../shared/terminal-jump';
import { inputPieces } from './input-pieces';
import type { HostStore } from '../connection/host-store';
import { currentKeyboardPlatform } from '../keyboard/platform';
import { shortcutStore } from '../keyboard/shortcut-store';
import { requestDiffFocus } from '../lanes/diff-focus';
import { shellBridge } from '../shell/shell-bridge';
import type { FileNotice } from './file-link-notice';
import { fileLinkOutcome } from './file-link-outcome';
import { fileLinkProvider } from './file-link-provider';
import { frameFit } from './frame-fit';
import { wantsWebgl } from './gl-renderer';
import { JumpScrollback, SCROLLBACK } from './jump-scrollback';
import { openTerminalLink } from './open-terminal-link';
import { ScrollMemory, terminalScrollMemory } from './scroll-memory';
import { decideTerminalKey, isLinkActivation } from './terminal-keys';
import type { TerminalSettings } from './terminal-settings-store';
import { terminalTheme } from './terminal-theme';
import { TerminalPool } from './terminal-pool';
import { writePieces } from './write-pieces';

/**
 * One agent's terminal, kept across the pane's mounts (terminal-pool.ts): xterm and its
 * addons, the output stream's bookkeeping, and the keys.
 *
 * Output arrives as offset-addressed frames; the session remembers the offset it has
 * written up to, so a reconnect, a "too slow" detach or being shown again after hiding
 * resumes exactly there. It acknowledges after xterm has parsed the data (the write
 * callback), in steps: the host sends no more than a window past the last ack, so a flood
 * never floods the page.
 *
 * It attaches with `jump`: when it falls too far behind a flood to parse it in time, the
 * host tells it to jump (a `jump` frame) and it resets the terminal and renders from a
 * restart point near the end, so it shows the current screen rather than a slide show of
 * old ones (while it jumps, its scrollback is short: jump-scrollback.ts). The pane then
 * says how much it skipped; "View all" replays the whole retained output into the terminal
 * without jumping (its scrollback keeps the last 10,000 lines of it; `grove agent tail`
 * reads all of it), until the terminal is hidden. A new terminal replays what the log
 * keeps (unless a raised cap keeps more than is replayed at attach: a jump with reason
 * `attach`, which the pane names as such, not as falling behind).
 */
const ACK_EVERY_BYTES = 32 * 1024;
/** A rebuilt terminal's replay counts as finished once no output has been written for this long. */
const REPLAY_QUIET_MS = 400;
/** The longest the restored position is held (from the first write of the replay), quiet or not. */
const RESTORE_AT_MOST_MS = 3000;
/** How long a path found missing when clicked is not a link. */
const MISSING_PATH_MS = 30_000;

export interface Skipped {
  bytes: number;
  onlyAtAttach: boolean;
}
export const NOTHING_SKIPPED: Skipped = { bytes: 0, onlyAtAttach: false };

/** What the pane showing the session hears from it. */
export interface SessionView {
  find(): void;
  fileNotice(notice: FileNotice | null): void;
  skipped(skipped: Skipped): void;
  /** Why what was typed or pasted did not reach the agent (null once input goes through again). */
  inputLost(why: string | null): void;
}

export class TerminalSession {
  readonly agentId: string;
  readonly terminal: Terminal;
  readonly searcher = new SearchAddon();
  /** xterm's own element lives in this holder, moved between the pane and the pool. */
  private readonly holder: HTMLDivElement = document.createElement('div');
  private readonly fit = new FitAddon();
  private readonly jumpScrollback: JumpScrollback;
  private readonly disposers: (() => void)[] = [];
  private view: SessionView | null = null;
  /** Inputs sent, and the last of them the host took: what answers late does not undo a later one's word. */
  private inputsSent = 0;
  private inputsTaken = 0;
  private opened = false;
  private observer: ResizeObserver | null = null;
  skipped: Skipped = NOTHING_SKIPPED;
  /** Offset up to which output was handed to xterm (queued or parsed): de-duplication and `since`. */
  private queued: number | null = null;
  /** False while the terminal shows everything ("View all", until hidden): it attaches without jumping. */
  private jumping = true;
  /** Counts hides, disposal, re-attachments and "View all"s: a "View all" begun before the next one is called off. */
  private generation = 0;
  private parsed = 0;
  private acked = 0;
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  private resizeTimer: ReturnType<typeof setTimeout> | null = null;
  private restoring: { distance: number; timer: ReturnType<typeof setTimeout> | null; since?: number } | null;

  constructor(
    private readonly agent: AgentInfo,
    private readonly store: HostStore,
    fonts: TerminalSettings,
  ) {
    this.agentId = agent.id;
    this.holder.className = 'terminal-holder';
    const platform = currentKeyboardPlatform();
    const openLink = (event: MouseEvent, uri: string): void => {
      if (!isLinkActivation(event, platform)) return;
      openTerminalLink(uri, { bridge: shellBridge(), openWindow: (url, target, features) => window.open(url, target, features) });
    };
    const t = new Terminal({
      cursorBlink: true,
      scrollback: SCROLLBACK,
      allowProposedApi: true,
      ...fonts,
      convertEol: false,
      theme: terminalTheme(document.documentElement),
      // Links a program writes with OSC 8 (text that names another address) go the way of
      // every other link: a modifier-click, http(s) only, no opener. xterm's own handler
      // would ask with confirm() and open any scheme in a window of this page's origin.
      linkHandler: { activate: openLink, allowNonHttpProtocols: false },
    });
    this.terminal = t;
    t.loadAddon(this.fit);
    t.loadAddon(this.searcher);
    // The addon joins wrapped lines, so a URL broken across rows opens whole.
    t.loadAddon(
      new WebLinksAddon(openLink),
    );
    // File paths (wrapped ones too): a changed file's diff in the lane panel, else a notice.
    // A path not there when clicked is not a link for a while: the agent may make it later.
    const missingPaths = new Map<string, number>();
    let lastClick = 0;
    const link = t.registerLinkProvider(
      fileLinkProvider(t, {
        // Only in a lane (MAIN's agents, the ops loop, have no lane panel to show a diff in);
        // while the lanes are still loading, links are offered and the click says.
        isEnabled: () => store.getSnapshot().lanes?.some((l) => l.path === agent.lanePath) ?? true,
        isKnownMissing: (path) => Date.now() - (missingPaths.get(path) ?? -Infinity) < MISSING_PATH_MS,
        onActivate: (candidate, event) => {
          if (!isLinkActivation(event, platform)) return;
          const click = ++lastClick;
          this.view?.fileNotice({ kind: 'pending', path: candidate.path });
          void store.request('lanes.resolvePath', { lanePath: agent.lanePath, path: candidate.path }).then((answer) => {
            if (click !== lastClick) return; // a later click answers instead
            const outcome = fileLinkOutcome(candidate.path, answer);
            if (outcome.kind === 'show-diff') {
              this.view?.fileNotice(null);
              requestDiffFocus(agent.lanePath, outcome.relative);
              return;
            }
            if (outcome.isMissing) missingPaths.set(candidate.path, Date.now());
            this.view?.fileNotice(outcome);
          });
        },
      }),
    );
    this.disposers.push(() => link.dispose());
    t.loadAddon(new Unicode11Addon());
    t.unicode.activeVersion = '11';
    t.attachCustomKeyEventHandler((event) => {
      const decision = decideTerminalKey(shortcutStore().current(), event, { hasSelection: t.hasSelection(), preset: agent.preset });
      if (decision.kind === 'program') return true;
      if (event.type !== 'keydown') return false;
      switch (decision.kind) {
        case 'app':
          break; // the window's shortcut listener runs it
        case 'find':
          event.preventDefault();
          this.view?.find();
          break;
        case 'copy':
          event.preventDefault();
          copySelection(t);
          break;
        case 'paste':
          break; // the browser's paste event follows; xterm pastes it (bracketed when asked for)
        case 'send':
          event.preventDefault();
          this.sendInput(decision.data);
          break;
      }
      return false;
    });
    const input = t.onData((data) => this.sendInput(data));
    const resize = t.onResize(() => {
      if (this.resizeTimer) clearTimeout(this.resizeTimer);
      this.resizeTimer = setTimeout(() => this.sendSize(), 100);
    });
    this.disposers.push(
      () => input.dispose(),
      () => resize.dispose(),
    );
    this.jumpScrollback = new JumpScrollback((lines) => (t.options.scrollback = lines));
    // A terminal built anew (first shown, or disposed while hidden) is put back the same
    // distance from the bottom it was left at, until the replay settles.
    const distance = terminalScrollMemory.recall(agent.id);
    this.restoring = distance > 0 ? { distance, timer: null } : null;
    // The operator scrolling takes over at once.
    const scrolled = (): void => this.stopRestoring();
    this.holder.addEventListener('wheel', scrolled, { passive: true });
    this.disposers.push(() => this.holder.removeEventListener('wheel', scrolled));
  }

  /** Into the pane's `box`, receiving output again (the pane attaches once connected). */
  show(box: HTMLElement, view: SessionView, fonts: TerminalSettings): void {
    this.view = view;
    box.appendChild(this.holder);
    if (!this.opened) {
      this.opened = true;
      this.terminal.open(this.holder);
      // WebGL on a real GPU only (gl-renderer.ts); else, or if it fails, the DOM renderer.
      if (wantsWebgl()) {
        try {
          const webgl = new WebglAddon();
          webgl.onContextLoss(() => webgl.dispose()); // fall back to the DOM renderer
          this.terminal.loadAddon(webgl);
        } catch {
          /* no WebGL here: the DOM renderer is fine */
        }
      }
    } else {
      // The theme or the fonts may have changed while it was hidden.
      this.setTheme();
      this.setFonts(fonts);
    }
    this.store.setSink(this.agentId, {
      write: (offset, data) => this.write(offset, data),
      detached: () => {
        this.generation++; // a "View all" under way is called off: this attachment goes on from `queued`
        this.attach();
      },
      jumped: (jump) => {
        // In order with what was queued before it: the reset comes after the old bytes. Once
        // parsed, the stream's count goes on from where it landed (after an `ahead` jump that
        // is behind what was parsed before, and acks must count from there again).
        this.terminal.write(jumpResetSequence(jump), () => {
          this.parsed = jump.toOffset;
          this.acked = jump.toOffset;
        });
        // A flood the pane cannot keep up with, not a long log opened (reason `attach`).
        if (jump.reason === 'behind' && this.jumping) this.jumpScrollback.jumped();
        this.queued = jump.toOffset;
        if (jump.reason === 'ahead') {
          // "View all" shows the whole retained output: what it held past the log's end is
          // no longer in it, so it replays what the log keeps, from the start.
          if (!this.jumping) this.viewAll();
          // Nothing was skipped that could be asked for: the banner says what it said.
          return;
        }
        const s = this.skipped;
        this.setSkipped({ bytes: s.bytes + jump.skippedBytes, onlyAtAttach: (s.bytes === 0 || s.onlyAtAttach) && jump.reason === 'attach' });
      },
    });
    this.observer = new ResizeObserver(() => this.refit());
    this.observer.observe(box);
    this.refit();
  }

  /** Out of the page: no more output until shown again (what it missed comes then). */
  hide(): void {
    this.view = null;
    this.generation++;
    // "View all" lasts while the operator looks: shown again, the terminal jumps as it should
    // (it may have missed a flood meanwhile).
    this.jumping = true;
    this.terminal.blur();
    this.observer?.disconnect();
    this.observer = null;
    this.store.setSink(this.agentId, null);
    void this.store.connection.call('agents.detach', { id: this.agentId });
    this.holder.remove();
  }

  /** Streams output from where this terminal stopped (the first time, the retained tail). */
  attach(): void {
    // Each attachment says the pane's size too: the agent's terminal may have been sized by
    // another window since (a phone), or a resize sent while disconnected was lost.
    this.sendSize();
    void this.store.connection.call('agents.attach', { id: this.agentId, ...(this.queued !== null ? { since: this.queued } : {}), jump: this.jumping });
  }

  /** Replays the whole retained output without jumping ("View all"), until hidden. */
  viewAll(): void {
    this.jumping = false;
    this.jumpScrollback.stopped();
    this.setSkipped(NOTHING_SKIPPED);
    // Hidden (or disposed), asked again, or re-attached by a reconnect before the host answers:
    // this replay is called off (its reset would drop what the newer attachment handed over,
    // and replay it twice).
    const generation = ++this.generation;
    // Stop this attachment first: once the host answered, no frame of it is still coming.
    void this.store.connection.call('agents.detach', { id: this.agentId }).then(() => {
      if (generation !== this.generation) return;
      this.terminal.write('\x1bc', () => {
        if (generation !== this.generation) return;
        this.parsed = 0;
        this.acked = 0;
        this.queued = null;
        // Without `since`: from the oldest byte kept, cut cleanly, and no `gone` jump for the older ones.
        void this.store.connection.call('agents.attach', { id: this.agentId, jump: false });
      });
    });
  }

  setTheme(): void {
    this.terminal.options.theme = terminalTheme(document.documentElement);
  }

  setFonts(fonts: TerminalSettings): void {
    const t = this.terminal;
    if (t.options.fontFamily === fonts.fontFamily && t.options.fontSize === fonts.fontSize) return;
    t.options.fontFamily = fonts.fontFamily;
    t.options.fontSize = fonts.fontSize;
    this.refit();
  }

  /** Both buffers: on the alternate screen (an editor, a pager) the normal one keeps its scrollback. */
  lines(): number {
    return this.terminal.buffer.normal.length + this.terminal.buffer.alternate.length;
  }

  dispose(): void {
    this.generation++;
    this.jumpScrollback.dispose();
    terminalScrollMemory.remember(this.agentId, this.terminal.buffer.active);
    this.stopRestoring();
    if (this.ackTimer) clearTimeout(this.ackTimer);
    if (this.resizeTimer) clearTimeout(this.resizeTimer);
    for (const d of this.disposers) d();
    this.terminal.dispose();
  }

  private write(offset: number, data: Uint8Array): void {
    const end = offset + data.length;
    const fit = frameFit(this.queued, offset, end);
    if (fit.kind === 'stale') return;
    if (fit.kind === 'duplicate') {
      // Acknowledged all the same, or the host's credit for it never comes back. The host
      // keeps the highest acknowledgement it had, so this one is harmless otherwise.
      this.store.connection.sendFrame({ kind: 'ack', agentId: this.agentId, offset: end });
      return;
    }
    const slice = fit.skip > 0 ? data.subarray(fit.skip) : data;
    this.queued = end;
    // Acks report what xterm has parsed (flow control); `queued` moves as soon as data is
    // handed over, so a re-attach asks for exactly what was never handed over.
    for (const piece of writePieces(slice, end)) {
      this.terminal.write(piece.bytes, () => {
        this.keepRestoring();
        this.parsed = Math.max(this.parsed, piece.end);
        if (this.parsed - this.acked >= ACK_EVERY_BYTES) this.ack();
        else this.ackTimer ??= setTimeout(() => this.ack(), 50);
      });
    }
  }

  /** The agent's terminal to this pane's size, once the pane is laid out (a hidden one would say 80×24). */
  private sendSize(): void {
    if (!this.opened || this.fit.proposeDimensions() === undefined) return;
    void this.store.connection.call('agents.resize', { id: this.agentId, cols: this.terminal.cols, rows: this.terminal.rows });
  }

  private ack(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    if (this.parsed > this.acked) {
      this.acked = this.parsed;
      this.store.connection.sendFrame({ kind: 'ack', agentId: this.agentId, offset: this.acked });
    }
  }

  private keepRestoring(): void {
    const r = this.restoring;
    if (!r) return;
    // Not for ever: an agent printing all the while (a spinner) would hold the view there.
    r.since ??= Date.now();
    if (Date.now() - r.since > RESTORE_AT_MOST_MS) {
      this.stopRestoring();
      return;
    }
    this.terminal.scrollToLine(ScrollMemory.targetLine(this.terminal.buffer.active.baseY, r.distance));
    if (r.timer) clearTimeout(r.timer);
    r.timer = setTimeout(() => this.stopRestoring(), REPLAY_QUIET_MS);
  }

  private stopRestoring(): void {
    if (this.restoring?.timer) clearTimeout(this.restoring.timer);
    this.restoring = null;
  }

  private setSkipped(skipped: Skipped): void {
    this.skipped = skipped;
    this.view?.skipped(skipped);
  }

  /** A paste larger than a piece goes in pieces the host holds until the last, so it arrives whole or not at all. */
  private sendInput(data: string): void {
    const pieces = inputPieces(data);
    // The terminal does not echo what is typed: keys the host refused (not connected, the agent
    // not running) would vanish without a word, a pasted prompt with them. The pane says so.
    pieces.forEach((piece, i) => {
      const n = ++this.inputsSent;
      void this.store.connection.call('agents.input', { id: this.agentId, data: piece, ...(i < pieces.length - 1 ? { more: true } : {}) }).then((r) => {
        if (r.ok) {
          this.inputsTaken = Math.max(this.inputsTaken, n);
          this.view?.inputLost(null);
        } else if (n > this.inputsTaken) {
          // Not an answer older than one that went through (a late timeout).
          this.view?.inputLost(r.error.code === 'disconnected' ? 'the host is not connected (keys are not kept to send later)' : r.error.message);
        }
      });
    });
  }

  private refit(): void {
    try {
      this.fit.fit();
    } catch {
      /* not laid out yet */
    }
  }
}

/** The parked terminals of this page. */
export const terminalPool = new TerminalPool<TerminalSession>();

/** The selection to the clipboard; then cleared, so the next Ctrl+C is ^C for the program again. */
function copySelection(t: Terminal): void {
  const text = t.getSelection();
  if (text === '') return;
  // Without the async clipboard (an insecure origin), a copy command: xterm's copy handler fills it.
  if (navigator.clipboard?.writeText) void navigator.clipboard.writeText(text).catch(() => undefined);
  else document.execCommand('copy');
  t.clearSelection();
}
