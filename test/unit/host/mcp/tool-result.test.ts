import { describe, expect, it } from 'vitest';
import { failure, success, successWithText } from '../../../../src/host/mcp/tool-result';
import { apiError } from '../../../../src/shared/errors';

const textOf = (r: { content: unknown[] }) => (r.content as { text: string }[]).map((c) => c.text).join('\n');

describe('tool results', () => {
  it('carry the value as structuredContent and the same as JSON text', () => {
    const r = success({ brief: { ref: '#1' }, entries: [] });
    expect(r.structuredContent).toEqual({ brief: { ref: '#1' }, entries: [] });
    expect(JSON.parse(textOf(r))).toEqual(r.structuredContent);
    expect(r.isError).toBeUndefined();
  });

  it('stay under 8,000 tokens, saying in `truncated` which list was shortened', () => {
    const entries = Array.from({ length: 400 }, (_, i) => ({ id: `e${i}`, payload: { text: 'w'.repeat(180) } }));
    const r = success({ entries, plan: 'p'.repeat(200_000) }, 'read the rest with grove brief show #1');
    expect(textOf(r).length).toBeLessThanOrEqual(32_000);
    expect(JSON.stringify(r.structuredContent).length).toBeLessThanOrEqual(32_000);
    expect((r.structuredContent as { plan: string }).plan).toMatch(/… \[[\d,]+ more characters\]$/);
    expect((r.structuredContent as { truncated: string[] }).truncated).toEqual([expect.stringMatching(/^entries: \d+ of 400 shown, … \d+ more, read the rest with grove brief show #1$/)]);
  });

  it('keep prose as prose: the recall text as is, notes after it', () => {
    const r = successWithText({ text: '# Brief #1', version: 3 }, '# Brief #1', ['You have claimed #1.']);
    expect(r.content).toEqual([
      { type: 'text', text: '# Brief #1' },
      { type: 'text', text: 'You have claimed #1.' },
    ]);
    expect(r.structuredContent).toEqual({ text: '# Brief #1', version: 3 });
  });

  it('answer a refusal as a tool error with the code and message, never a protocol error', () => {
    const r = failure(apiError('brief_version_conflict', '#1 is at version 4, not 3.', { expected: 3, actual: 4 }));
    expect(r).toEqual({
      isError: true,
      content: [{ type: 'text', text: 'brief_version_conflict: #1 is at version 4, not 3.' }],
      structuredContent: { error: { code: 'brief_version_conflict', message: '#1 is at version 4, not 3.', details: { expected: 3, actual: 4 } } },
    });
  });
});
