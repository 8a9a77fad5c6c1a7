import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/host/logger';

describe('logger', () => {
  it('masks every registered secret wherever it appears', () => {
    const lines: string[] = [];
    const log = createLogger((l) => lines.push(l));
    const token = 'tok_0123456789abcdefghij';
    log.addSecret(token);
    log.error(`failed with ${token}`, { url: `http://x/auth?token=${token}` });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(token);
    expect(lines[0]).toContain('(masked)');
  });
});
