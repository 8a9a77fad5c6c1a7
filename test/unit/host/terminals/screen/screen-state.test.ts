import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Activity } from '../../../../../src/shared/agents';
import { HOOK_RECHECK_QUIET_MS, recheckHookActivity } from '../../../../../src/host/terminals/activity';
import { classifyScreen, SCREEN_PATTERNS } from '../../../../../src/host/terminals/screen/screen-patterns';
import { ScreenReader } from '../../../../../src/host/terminals/screen/screen-reader';

const screens = join(__dirname, '..', '..', '..', '..', 'fixtures', 'screens');
const readers: ScreenReader[] = [];
afterEach(() => readers.splice(0).forEach((r) => r.dispose()));

/** What the operator would see after the fixture's bytes reach a terminal. */
async function screenOf(fixture: string): Promise<string> {
  const reader = new ScreenReader(100, 30);
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
    // Recorded from the real CLIs (README.md here): their first screens wait for the operator.
    ['codex-0.171.0-sign-in.ansi', 'codex', { state: 'waiting', detail: 'sign_in' }],
    // Claude Code 2.1.77, older than the StopFailure hook, refusing a settings file that names it.
    ['claude-2.1.77-settings-error.ansi', 'claude', { state: 'waiting', detail: 'settings_error' }],
    ['codex-0.171.0-trust.ansi', 'codex', { state: 'waiting', detail: 'trust_prompt' }],
    ['codex-0.171.0-idle.ansi', 'codex', { state: 'idle' }],
    ['codex-0.171.0-turn-failed.ansi', 'codex', { state: 'busy' }],
    ['claude-2.1.197-trust.ansi', 'claude', { state: 'waiting', detail: 'trust_prompt' }],
    ['claude-2.1.197-not-logged-in.ansi', 'claude', { state: 'idle' }],
    // 2.1.332: the trust choices have no numbers and "No, exit" comes first, focused.
    ['claude-2.1.332-trust.ansi', 'claude', { state: 'waiting', detail: 'trust_prompt' }],
    // 2.1.332: the empty prompt shows a dim placeholder ("❯ Once fixed, resend your message").
    ['claude-2.1.332-not-logged-in.ansi', 'claude', { state: 'idle' }],
  ] as const)('%s reads as %j', async (fixture, cli, expected) => {
    expect(classifyScreen(await screenOf(fixture), SCREEN_PATTERNS[cli]!)).toEqual(expected);
  });

  it('reads Claude Code 2.1.332 as the operator sees it: "No, exit" focused first, then a placeholder in the empty prompt', async () => {
    expect(await screenOf('claude-2.1.332-trust.ansi')).toContain(' ❯ No, exit\n   Yes, I trust this folder\n');
    const answered = await screenOf('claude-2.1.332-not-logged-in.ansi');
    expect(answered).toContain('❯ say hi');
    // The CLI puts a no-break space after ⎿ and after the prompt's ❯.
    expect(answered).toMatch(/\n {2}⎿\s{2}Not logged in · Please run \/login\n/);
    expect(answered).toMatch(/─{100}\n❯\sOnce fixed, resend your message\n─{100}\n/);
  });

  it('sees the screen after redraws, not the bytes', async () => {
    const text = await screenOf('claude-answered-then-busy.ansi');
    expect(text).not.toContain('Do you want to proceed?');
    expect(text).toContain('esc to interrupt');
  });
});

describe('a hook\'s busy, re-checked against the screen', () => {
  const hookBusy: Activity = { state: 'busy', signal: 'hook', detail: null, since: '2026-12-03T13:00:00.000Z' };
  const at = '2026-12-03T13:00:05.000Z';

  it('ends at the idle prompt of a turn that errored without a Stop hook (Claude Code 2.1.197, not logged in)', async () => {
    const verdict = classifyScreen(await screenOf('claude-2.1.197-not-logged-in.ansi'), SCREEN_PATTERNS.claude!);
    expect(recheckHookActivity(hookBusy, verdict, HOOK_RECHECK_QUIET_MS, at)).toEqual({ state: 'waiting', signal: 'screen', detail: 'idle_prompt', since: at });
  });

  it('ends at the idle prompt of a turn that errored without a Stop hook (Claude Code 2.1.332, not logged in)', async () => {
    const verdict = classifyScreen(await screenOf('claude-2.1.332-not-logged-in.ansi'), SCREEN_PATTERNS.claude!);
    expect(recheckHookActivity(hookBusy, verdict, HOOK_RECHECK_QUIET_MS, at)).toEqual({ state: 'waiting', signal: 'screen', detail: 'idle_prompt', since: at });
  });

  it('stands while output is not yet quiet, while the screen says busy, and for any other state', async () => {
    const idle = classifyScreen(await screenOf('claude-2.1.197-not-logged-in.ansi'), SCREEN_PATTERNS.claude!);
    expect(recheckHookActivity(hookBusy, idle, HOOK_RECHECK_QUIET_MS - 1, at)).toBeNull();
    expect(recheckHookActivity(hookBusy, { state: 'busy' }, 60_000, at)).toBeNull();
    expect(recheckHookActivity(hookBusy, { state: 'waiting', detail: 'permission_prompt' }, 60_000, at)).toBeNull();
    expect(recheckHookActivity(hookBusy, null, 60_000, at)).toBeNull();
    expect(recheckHookActivity({ ...hookBusy, state: 'waiting', detail: 'finished its turn' }, idle, 60_000, at)).toBeNull();
    expect(recheckHookActivity({ ...hookBusy, signal: 'output' }, idle, 60_000, at)).toBeNull();
  });
});
