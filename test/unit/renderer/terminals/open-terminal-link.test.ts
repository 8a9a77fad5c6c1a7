import { describe, expect, it } from 'vitest';
import { openTerminalLink, type LinkOpeners } from '../../../../src/renderer/terminals/open-terminal-link';

/** Records where each link went: the shell's bridge or a new browser tab. */
function openers(withBridge: boolean): LinkOpeners & { external: string[]; windows: [string, string, string][] } {
  const external: string[] = [];
  const windows: [string, string, string][] = [];
  return {
    external,
    windows,
    bridge: withBridge ? { openExternal: (url) => (external.push(url), Promise.resolve({ opened: true, reason: null })) } : undefined,
    openWindow: (url, target, features) => void windows.push([url, target, features]),
  };
}

describe('a web link clicked in a terminal', () => {
  it('in the app, goes to the shell, which opens it in the browser; the page opens no window', () => {
    const o = openers(true);
    openTerminalLink('https://github.com/grove/grove/pull/12', o);
    openTerminalLink('http://localhost:41000/checkout', o);
    expect(o.external).toEqual(['https://github.com/grove/grove/pull/12', 'http://localhost:41000/checkout']);
    expect(o.windows).toEqual([]);
  });

  it('in a plain browser, opens a new tab with no opener', () => {
    const o = openers(false);
    openTerminalLink('https://github.com/grove/grove/pull/12', o);
    expect(o.windows).toEqual([['https://github.com/grove/grove/pull/12', '_blank', 'noopener,noreferrer']]);
    expect(o.external).toEqual([]);
  });

  it('never opens anything but http and https', () => {
    for (const withBridge of [true, false]) {
      const o = openers(withBridge);
      for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'vscode://file/etc/passwd', 'smb://host/share', 'not a url']) openTerminalLink(url, o);
      expect([...o.external, ...o.windows]).toEqual([]);
    }
  });
});
