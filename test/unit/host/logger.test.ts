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

  it('masks a secret holding characters JSON escapes (a quote, a backslash), in the line as written', () => {
    const lines: string[] = [];
    const log = createLogger((l) => lines.push(l));
    const password = 'pa"ss\\word-42';
    log.addSecret(password);
    log.warn('sync', { message: `access denied for password ${password}` });
    expect(JSON.stringify(JSON.parse(lines[0]!))).not.toContain(JSON.stringify(password).slice(1, -1));
    expect((JSON.parse(lines[0]!) as { message: string }).message).not.toContain(password);
    expect(lines[0]).toContain('(masked)');
  });
});
