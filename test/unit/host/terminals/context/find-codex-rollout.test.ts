import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findCodexRollout } from '../../../../../src/host/terminals/context/find-codex-rollout';

/**
 * The rollout's first line, recorded from Codex 0.171.0 (base instructions redacted, kept at
 * their length): ~26 KB, longer than any fixed-size first read of the old finder.
 */
const recorded = join(__dirname, '..', '..', '..', '..', 'fixtures', 'transcripts', 'codex-0.171.0-rollout-start.jsonl');
const RECORDED_CWD = '/tmp/clis/proj';
const RECORDED_ID = '01a23c10-e7b7-7450-982d-966f42b5f9c4';

const homes: string[] = [];
afterEach(() => homes.splice(0).forEach((h) => rmSync(h, { recursive: true, force: true })));

function codexHome(now: Date): { home: string; day: string } {
  const home = mkdtempSync(join(tmpdir(), 'grove-codex-home-'));
  homes.push(home);
  const day = join(home, 'sessions', String(now.getFullYear()), String(now.getMonth() + 1).padStart(2, '0'), String(now.getDate()).padStart(2, '0'));
  mkdirSync(day, { recursive: true });
  return { home, day };
}

describe('findCodexRollout', () => {
  it("learns the session id from Codex 0.171's ~26 KB first line", () => {
    const now = new Date();
    const { home, day } = codexHome(now);
    const path = join(day, `rollout-2026-12-03T13-21-16-${RECORDED_ID}.jsonl`);
    copyFileSync(recorded, path);
    const skipped: string[] = [];
    expect(findCodexRollout(home, RECORDED_CWD, now.getTime() - 5000, () => true, now, (_p, why) => skipped.push(why))).toEqual({ path, sessionId: RECORDED_ID });
    expect(skipped).toEqual([]);
  });

  it('reads a first line still being written as not yet there, and one past the bound as skipped, with the reason', () => {
    const now = new Date();
    const { home, day } = codexHome(now);
    const meta = (pad: number): string => JSON.stringify({ type: 'session_meta', payload: { id: 'abc', cwd: '/lane', base_instructions: 'x'.repeat(pad) } });
    writeFileSync(join(day, 'rollout-a.jsonl'), meta(100)); // no newline yet: Codex is mid-write
    const skipped: string[] = [];
    const onSkip = (p: string, why: string): number => skipped.push(`${p.split('/').pop()}: ${why}`);
    expect(findCodexRollout(home, '/lane', 0, () => true, now, onSkip)).toBeNull();
    writeFileSync(join(day, 'rollout-b.jsonl'), meta(5 << 20) + '\n');
    expect(findCodexRollout(home, '/lane', 0, () => true, now, onSkip)).toBeNull();
    expect(skipped).toEqual(['rollout-b.jsonl: its first line is longer than 4194304 bytes, so it is not a Codex session_meta line']);
  });

  it('passes over a FIFO (or a link) the agent put among the rollouts, without waiting on it, and finds the real one', () => {
    const now = new Date();
    const { home, day } = codexHome(now);
    execFileSync('mkfifo', [join(day, 'rollout-0-fifo.jsonl')]);
    symlinkSync('/dev/zero', join(day, 'rollout-1-link.jsonl'));
    const path = join(day, `rollout-2026-12-03T13-21-16-${RECORDED_ID}.jsonl`);
    copyFileSync(recorded, path);
    // A blocking open of the FIFO would hang here for ever (no writer comes).
    expect(findCodexRollout(home, RECORDED_CWD, 0, () => true, now, () => undefined)).toEqual({ path, sessionId: RECORDED_ID });
  });
});
