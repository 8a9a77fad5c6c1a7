import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyScreen, SCREEN_PATTERNS } from '../../../../../src/host/terminals/screen/screen-patterns';
import { ScreenReader } from '../../../../../src/host/terminals/screen/screen-reader';

const screens = join(__dirname, '..', '..', '..', '..', 'fixtures', 'screens');
const readers: ScreenReader[] = [];
afterEach(() => readers.splice(0).forEach((r) => r.dispose()));

/** What the operator would see after the fixture's bytes reach a terminal. */
async function screenOf(fixture: string): Promise<string> {
  const reader = new ScreenReader(100, 20);
  readers.push(reader);
  await new Promise<void>((r) => reader.write(readFileSync(join(screens, fixture)), r));
  return reader.visibleText();
}

describe('screen state, from recorded-style screens', () => {
  it.each([
    ['claude-permission.ansi', 'claude', { state: 'waiting', detail: 'permission_prompt' }],
    ['claude-busy.ansi', 'claude', { state: 'busy' }],
    ['claude-idle.ansi', 'claude', null],
    // The old question was cleared from the screen: what shows now is work.
    ['claude-answered-then-busy.ansi', 'claude', { state: 'busy' }],
    ['codex-busy.ansi', 'codex', { state: 'busy' }],
    ['codex-approval.ansi', 'codex', { state: 'waiting', detail: 'permission_prompt' }],
  ] as const)('%s reads as %j', async (fixture, cli, expected) => {
    expect(classifyScreen(await screenOf(fixture), SCREEN_PATTERNS[cli]!)).toEqual(expected);
  });

  it('sees the screen after redraws, not the bytes', async () => {
    const text = await screenOf('claude-answered-then-busy.ansi');
    expect(text).not.toContain('Do you want to proceed?');
    expect(text).toContain('esc to interrupt');
  });
});
