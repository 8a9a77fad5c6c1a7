import { appendFileSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { ClaudeTranscriptReader, claudeProjectSlug, claudeTranscriptPath } from '../../../../../src/host/terminals/context/claude-transcript';
import { makeTempDir, removeTempDirs } from '../../../../fixtures/temp-dir';

afterEach(removeTempDirs);

/** A recorded-style Claude Code session: two prompts, a tool call, a subagent line, a broken line. */
const recorded = readFileSync(new URL('../../../../fixtures/transcripts/claude-session.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => `${l}\n`);

// What each assistant turn in the recording puts in context (input + cache written + cache read).
const FIRST_TURN = 3 + 5120 + 11210;
const SECOND_TURN = 1 + 820 + 16333;
const THIRD_TURN = 4 + 2400 + 17154;

function transcriptFile(): string {
  return join(makeTempDir(), 'session.jsonl');
}

describe('claudeTranscriptPath', () => {
  it('puts the session under the cwd with every non-alphanumeric turned into a dash', () => {
    expect(claudeTranscriptPath('/home/me', '/home/me/Sites/flower', 'abc')).toBe('/home/me/.claude/projects/-home-me-Sites-flower/abc.jsonl');
    expect(claudeProjectSlug('/home/me/.dotfiles/my_app v2/é')).toBe('-home-me--dotfiles-my-app-v2--');
  });

  it('cuts a slug past 200 characters and tells long paths apart with a hash', () => {
    const deep = `/home/me/${'nested/'.repeat(40)}`;
    const a = claudeProjectSlug(`${deep}a`);
    const b = claudeProjectSlug(`${deep}b`);
    expect(a.slice(0, 200)).toBe(deep.replace(/[^A-Za-z0-9]/g, '-').slice(0, 200));
    expect(a).toMatch(/^.{200}-[0-9a-z]+$/);
    expect(a).not.toBe(b);
  });
});

describe('ClaudeTranscriptReader', () => {
  it('reads the latest main-thread turn of a whole transcript', () => {
    const file = transcriptFile();
    writeFileSync(file, recorded.join(''));
    const reader = new ClaudeTranscriptReader(file);
    // The subagent's sidechain line, the broken line and the trailing <synthetic> turn do not count.
    expect(reader.read()).toEqual({ tokens: THIRD_TURN, model: 'claude-sonnet-4-5-20250929', at: '2025-10-14T09:13:36.448Z' });
    expect(reader.read()).toBeNull();
    expect(reader.latest()?.tokens).toBe(THIRD_TURN);
  });

  it('reads only what was appended, counting lines that share a requestId once', () => {
    const file = transcriptFile();
    const reader = new ClaudeTranscriptReader(file);
    expect(reader.read()).toBeNull(); // not written yet
    expect(reader.latest()).toBeNull();

    appendFileSync(file, recorded.slice(0, 3).join('')); // snapshot, prompt, first block of turn 1
    expect(reader.read()?.tokens).toBe(FIRST_TURN);

    appendFileSync(file, recorded[3]!); // second block of the same request: replaces, does not add
    expect(reader.read()).toBeNull();
    expect(reader.latest()?.tokens).toBe(FIRST_TURN);

    appendFileSync(file, recorded.slice(4, 6).join('')); // tool result, turn 2
    expect(reader.read()?.tokens).toBe(SECOND_TURN);

    appendFileSync(file, recorded.slice(6, 9).join('')); // broken line, sidechain, stop-hook summary
    expect(reader.read()).toBeNull();

    appendFileSync(file, recorded.slice(9).join(''));
    expect(reader.read()?.tokens).toBe(THIRD_TURN);
  });

  it('keeps a half-written last line until its end arrives', () => {
    const file = transcriptFile();
    const turn = recorded[2]!;
    const cut = turn.indexOf('"usage"') + 20;
    writeFileSync(file, recorded[1]! + turn.slice(0, cut));
    const reader = new ClaudeTranscriptReader(file);
    expect(reader.read()).toBeNull();
    appendFileSync(file, turn.slice(cut));
    expect(reader.read()?.tokens).toBe(FIRST_TURN);
  });

  it('keeps a multi-byte character split across two writes intact', () => {
    const file = transcriptFile();
    const turn = Buffer.from(recorded[5]!.replace('Line 9', 'Ligne 9 — là'));
    const cut = turn.indexOf(Buffer.from('—')) + 1; // inside the three bytes of the dash
    writeFileSync(file, turn.subarray(0, cut));
    const reader = new ClaudeTranscriptReader(file);
    expect(reader.read()).toBeNull();
    appendFileSync(file, turn.subarray(cut));
    expect(reader.read()?.tokens).toBe(SECOND_TURN);
  });

  it('starts over when the file is truncated and rewritten', () => {
    const file = transcriptFile();
    writeFileSync(file, recorded.join(''));
    const reader = new ClaudeTranscriptReader(file);
    expect(reader.read()?.tokens).toBe(THIRD_TURN);

    truncateSync(file, 0);
    expect(reader.read()).toBeNull();
    expect(reader.latest()).toBeNull();
    appendFileSync(file, recorded.slice(0, 3).join(''));
    expect(reader.read()?.tokens).toBe(FIRST_TURN);
  });

  it('starts over when the file is replaced by a new one, even a longer one', () => {
    const file = transcriptFile();
    writeFileSync(file, recorded.slice(0, 3).join(''));
    const reader = new ClaudeTranscriptReader(file);
    expect(reader.read()?.tokens).toBe(FIRST_TURN);

    const replacement = `${file}.new`;
    writeFileSync(replacement, recorded.slice(0, 6).join(''));
    renameSync(replacement, file);
    expect(reader.read()?.tokens).toBe(SECOND_TURN);
  });
});
