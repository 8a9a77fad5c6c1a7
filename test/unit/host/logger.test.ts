import { describe, expect, it } from 'vitest';
import { createLogger, maskSecrets } from '../../../src/host/logger';

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

  it('writes a line that is JSON though a secret\'s second character is one JSON escapes, and masks a short one too', () => {
    const lines: string[] = [];
    const log = createLogger((l) => lines.push(l));
    log.addSecret('x"secret-value');
    log.addSecret('pw4u');
    log.error('refused', { detail: 'password x"secret-value and pw4u', nested: [{ again: 'pw4u' }] });
    const parsed = JSON.parse(lines[0]!) as { detail: string; nested: { again: string }[] };
    expect(lines[0]).not.toContain('secret-value');
    expect(parsed.detail).not.toContain('pw4u');
    expect(parsed.nested[0]!.again).not.toContain('pw4u');
  });

  it('masks a secret inside a longer one whole: the longer first', () => {
    const key = 'pub0123456789';
    const dsn = `https://${key}:sec9876543210@sentry.example/1`;
    expect(maskSecrets(`dsn=${dsn}`, [key, dsn])).not.toContain('sec9876543210');
  });
});
