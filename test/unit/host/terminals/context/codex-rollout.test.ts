import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { CodexRolloutReader } from '../../../../../src/host/terminals/context/codex-rollout';
import { makeTempDir, removeTempDirs } from '../../../../fixtures/temp-dir';

afterEach(removeTempDirs);

/** A recorded-style Codex rollout: two turns, a model switch, a repeated count, a broken line. */
const recorded = readFileSync(new URL('../../../../fixtures/transcripts/codex-rollout.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => `${l}\n`);

function rolloutFile(): string {
  return join(makeTempDir(), 'rollout-2025-10-14T10-02-11-0199e2a4.jsonl');
}

describe('CodexRolloutReader', () => {
  it('reads the latest call\'s tokens, model and window from a whole rollout', () => {
    const file = rolloutFile();
    writeFileSync(file, recorded.join(''));
    const reader = new CodexRolloutReader(file);
    // last_token_usage.total_tokens: 12000 input (9000 of them cached) + 700 output.
    expect(reader.read()).toEqual({ tokens: 12_700, model: 'gpt-5', at: '2025-10-14T10:03:14.268Z', window: 272_000 });
    expect(reader.read()).toBeNull();
    expect(reader.latest()?.tokens).toBe(12_700);
  });

  it('reads only what was appended and ignores counts that did not change', () => {
    const file = rolloutFile();
    const reader = new CodexRolloutReader(file);
    expect(reader.read()).toBeNull();

    appendFileSync(file, recorded.slice(0, 5).join('')); // up to the rate-limits-only count (info: null)
    expect(reader.read()).toBeNull();

    appendFileSync(file, recorded.slice(5, 8).join(''));
    expect(reader.read()).toEqual({ tokens: 8_414, model: 'gpt-5-codex', at: '2025-10-14T10:02:24.990Z', window: 272_000 });

    appendFileSync(file, recorded[8]!); // the same count again, as Codex repeats it
    expect(reader.read()).toBeNull();

    appendFileSync(file, recorded.slice(9, 12).join(''));
    // The latest call alone, not the session's running total (18046).
    expect(reader.read()?.tokens).toBe(9_632);

    appendFileSync(file, recorded.slice(12).join('')); // broken line, switch to gpt-5, next turn
    expect(reader.read()).toMatchObject({ tokens: 12_700, model: 'gpt-5' });
  });

  it('keeps a half-written last line until its end arrives', () => {
    const file = rolloutFile();
    const count = recorded[7]!;
    writeFileSync(file, recorded[2]! + count.slice(0, 60));
    const reader = new CodexRolloutReader(file);
    expect(reader.read()).toBeNull();
    appendFileSync(file, count.slice(60));
    expect(reader.read()?.tokens).toBe(8_414);
  });

  it('starts over, model included, when the file is truncated', () => {
    const file = rolloutFile();
    writeFileSync(file, recorded.join(''));
    const reader = new CodexRolloutReader(file);
    expect(reader.read()?.model).toBe('gpt-5');

    truncateSync(file, 0);
    appendFileSync(file, recorded[7]!); // a count with no turn_context before it
    expect(reader.read()).toEqual({ tokens: 8_414, model: null, at: '2025-10-14T10:02:24.990Z', window: 272_000 });
  });
});
