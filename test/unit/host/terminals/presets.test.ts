import { describe, expect, it } from 'vitest';
import { isStartedAgainOnHostStart, PRESETS, confinedArgsOf } from '../../../../src/host/terminals/presets';

describe('which auto-resume agents the next host starts again', () => {
  it('a shell or custom command always (nothing to resume, so it is run again)', () => {
    expect(isStartedAgainOnHostStart(PRESETS.shell, null)).toBe(true);
    expect(isStartedAgainOnHostStart(PRESETS.custom, null)).toBe(true);
  });

  it('Claude Code and Codex only with a conversation on record to resume', () => {
    expect(isStartedAgainOnHostStart(PRESETS.claude, '1b4e28ba-2fa1-11d2-883f-0016d3cca427')).toBe(true);
    expect(isStartedAgainOnHostStart(PRESETS.codex, '0199a213-81c0-7800-8aa1-bbab2a035a53')).toBe(true);
    expect(isStartedAgainOnHostStart(PRESETS.codex, null)).toBe(false);
  });
});

describe('what a confined run adds to the command line', () => {
  it('Codex\'s own sandbox: kept off /tmp inside bubblewrap, stood down under sandbox-exec, untouched unconfined', () => {
    expect(confinedArgsOf(PRESETS.codex, 'bwrap')).toEqual(['-c', 'sandbox_workspace_write.exclude_slash_tmp=true']);
    expect(confinedArgsOf(PRESETS.codex, 'sandbox-exec')).toEqual(['-c', 'sandbox_mode="danger-full-access"']);
    expect(confinedArgsOf(PRESETS.codex, null)).toEqual([]);
    for (const id of ['claude', 'shell', 'custom'] as const) expect(confinedArgsOf(PRESETS[id], 'bwrap')).toEqual([]);
  });
});
