import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import type { AgentInfo } from '../../shared/agents';
import { formatBytes } from '../../shared/byte-size';
import { useHost, useHostStore } from '../connection/use-host';
import { FileLinkNotice, type FileNotice } from './file-link-notice';
import { FindBar } from './find-bar';
import { onFindRequest } from './find-requests';
import { onFocusRequest } from './focus-requests';
import './terminal-pane.css';
import { NOTHING_SKIPPED, TerminalSession, terminalPool, type Skipped } from './terminal-session';
import { terminalSettingsStore, useTerminalSettings } from './terminal-settings-store';
import { onThemeChange } from './terminal-theme';

/**
 * One agent's terminal on screen. The terminal itself is a session that outlives the pane
 * (terminal-session.ts): shown here while the pane is mounted, parked in the pool while it
 * is not, so switching back is immediate and keeps the place it was scrolled to.
 *
 * Keys: the registry decides (see terminal-keys.ts), in the session: app shortcuts never
 * reach the program; find opens the bar here; copy and paste are the session's; everything
 * else is xterm's to encode.
 */
export function TerminalPane({ agent }: { agent: AgentInfo }) {
  const store = useHostStore();
  const { connection } = useHost();
  const box = useRef<HTMLDivElement>(null);
  const session = useRef<TerminalSession | null>(null);
  const [finding, setFinding] = useState(false);
  const fonts = useTerminalSettings();
  const [fileNotice, setFileNotice] = useState<FileNotice | null>(null);
  /** Bytes the terminal skipped (jumps) since it was built or last showed everything, and whether only at attach. */
  const [skipped, setSkipped] = useState<Skipped>(NOTHING_SKIPPED);
  const [inputLost, setInputLost] = useState<string | null>(null);

  // The agent's terminal, from the pool or new, shown while the pane is mounted.
  useEffect(() => {
    const exists = (id: string): boolean => (store.getSnapshot().agents ?? []).some((a) => a.id === id);
    terminalPool.prune(exists);
    const settings = terminalSettingsStore().current();
    const s = terminalPool.take(agent.id, () => new TerminalSession(agent, store, settings));
    s.show(box.current!, { find: () => setFinding(true), fileNotice: setFileNotice, skipped: setSkipped, inputLost: setInputLost }, settings);
    setSkipped(s.skipped);
    session.current = s;
    return () => {
      session.current = null;
      s.hide();
      terminalPool.park(s, exists);
    };
    // agent.preset and agent.lanePath are fixed for an agent id.
  }, [agent.id, store]);

  // The page's theme, followed when it changes.
  useEffect(() => onThemeChange(document.documentElement, () => session.current?.setTheme()), []);

  // Font settings apply to open terminals at once (parked ones when shown again).
  useEffect(() => session.current?.setFonts(fonts), [fonts]);

  // The palette's "Find in the terminal" for this agent.
  useEffect(() => onFindRequest(agent.id, () => setFinding(true)), [agent.id]);

  // A jump to this agent (after the terminal is shown: the effect above runs first). A tick
  // later, so that a palette closing meanwhile, which gives the focus back first, does not take it.
  useEffect(() => onFocusRequest(agent.id, () => void setTimeout(() => session.current?.terminal.focus(), 0)), [agent.id]);

  // (Re-)attach whenever the connection opens or the pane is shown: from where this
  // terminal stopped receiving (the first time, from the retained tail).
  useEffect(() => {
    if (connection.kind !== 'open') return;
    session.current?.attach();
  }, [connection.kind, agent.id, store]);

  return (
    <div className="terminal-pane">
      {finding && (
        <FindBar
          agentName={agent.name}
          searcher={session.current?.searcher ?? null}
          onClose={() => {
            setFinding(false);
            session.current?.terminal.focus();
          }}
        />
      )}
      <div className="terminal-box" ref={box} data-testid={`terminal-${agent.name}`} />
      {skipped.bytes > 0 && (
        <div className="terminal-skipped" role="status" data-testid={`terminal-skipped-${agent.name}`}>
          <span>{skipped.onlyAtAttach ? `Showing recent output; ${formatBytes(skipped.bytes)} before it not replayed` : `Skipped ${formatBytes(skipped.bytes)} of output to keep up`}</span>
          <button type="button" className="link-button" onClick={() => session.current?.viewAll()}>
            View all
          </button>
        </div>
      )}
      {inputLost && (
        <div className="terminal-skipped" role="alert" data-testid={`terminal-input-lost-${agent.name}`}>
          <span>What you typed was not sent to {agent.name}: {inputLost}</span>
          <button type="button" className="link-button" onClick={() => setInputLost(null)}>
            Dismiss
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
            session.current?.terminal.focus();
          }}
        />
      )}
    </div>
  );
}
