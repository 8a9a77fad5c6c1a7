import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claudeHookSettings } from '../../../../src/host/terminals/claude-hook-settings';
import { hasStopFailureHook, installedClaudeVersion } from '../../../../src/host/terminals/claude-version';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

/** An npm install as `npm i -g @anthropic-ai/claude-code@VERSION` lays it out: bin/claude → the package's entry. */
function npmInstall(version: string, entry: string): string {
  const prefix = makeTempDir();
  const pkg = join(prefix, 'lib', 'node_modules', '@anthropic-ai', 'claude-code');
  mkdirSync(join(pkg, 'bin'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@anthropic-ai/claude-code', version }));
  writeFileSync(join(pkg, entry), '#!/bin/sh\n');
  chmodSync(join(pkg, entry), 0o755);
  mkdirSync(join(prefix, 'bin'));
  symlinkSync(join(pkg, entry), join(prefix, 'bin', 'claude'));
  return join(prefix, 'bin', 'claude');
}

describe("Claude Code's version, from its installed files", () => {
  it('reads an npm install (2.1.77 ships cli.js; 2.1.332 bin/claude.exe) and a native one (versions/X.Y.Z)', () => {
    expect(installedClaudeVersion(npmInstall('2.1.77', 'cli.js'))).toBe('2.1.77');
    expect(installedClaudeVersion(npmInstall('2.1.332', 'bin/claude.exe'))).toBe('2.1.332');
    const home = makeTempDir();
    mkdirSync(join(home, '.local', 'share', 'claude', 'versions'), { recursive: true });
    mkdirSync(join(home, '.local', 'bin'), { recursive: true });
    writeFileSync(join(home, '.local', 'share', 'claude', 'versions', '2.1.90'), '');
    symlinkSync(join(home, '.local', 'share', 'claude', 'versions', '2.1.90'), join(home, '.local', 'bin', 'claude'));
    expect(installedClaudeVersion(join(home, '.local', 'bin', 'claude'))).toBe('2.1.90');
  });

  it("says null for what it cannot tell: a wrapper script, another package's files, a missing file", () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'claude'), '#!/bin/sh\nexec claude "$@"\n');
    expect(installedClaudeVersion(join(dir, 'claude'))).toBeNull();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'my-tools', version: '9.9.9' }));
    expect(installedClaudeVersion(join(dir, 'claude'))).toBeNull();
    expect(installedClaudeVersion(join(dir, 'no-such-file'))).toBeNull();
  });

  it('names StopFailure in the hook settings only for a Claude Code that knows it (2.1.78 on), or one it cannot tell', () => {
    expect([null, '2.1.78', '2.1.332', '2.2.0', '3.0.0'].map(hasStopFailureHook)).toEqual([true, true, true, true, true]);
    expect(['2.1.77', '2.0.99', '1.9.200'].map(hasStopFailureHook)).toEqual([false, false, false]);
    const hooks = (o: { stopFailure: boolean }) => Object.keys((claudeHookSettings((e) => `grove hook ${e}`, o) as { hooks: object }).hooks);
    expect(hooks({ stopFailure: true })).toContain('StopFailure');
    expect(hooks({ stopFailure: false })).toEqual(['UserPromptSubmit', 'PreToolUse', 'Stop', 'Notification', 'SessionEnd']);
  });
});
