import { afterEach, describe, expect, it, vi } from 'vitest';
import { maskSecrets } from '../../../src/host/logger';
import { createStreamMask } from '../../../src/host/stream-mask';

afterEach(() => vi.useRealTimers());

const SECRETS = ['sk-live-9c1e5a7f3b2d', 'hunter2 with spaces', 'gho_0123456789abcdefghijklmnopqrstuvwxyz'];
const mask = (t: string): string => maskSecrets(t, SECRETS);

/** Pushes `chunks` and ends; what came out, in one string. */
function through(chunks: string[], hold?: number): string {
  let out = '';
  const stream = createStreamMask(mask, (t) => (out += t), { hold });
  for (const c of chunks) stream.push(c);
  stream.end();
  return out;
}

describe('createStreamMask', () => {
  it('masks a secret cut at any point between two chunks, as if it came whole', () => {
    for (const secret of SECRETS) {
      const text = `before ${secret} after\n`;
      for (let at = 1; at < text.length; at++) {
        const out = through([text.slice(0, at), text.slice(at)]);
        expect({ at, out }).toEqual({ at, out: mask(text) });
        expect(out).not.toContain(secret);
      }
    }
  });

  it('masks the same whatever the chunking, on a long stream with many secrets, however small the hold', () => {
    let seed = 7;
    const random = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const parts: string[] = [];
    for (let i = 0; i < 400; i++) parts.push(random(3) === 0 ? SECRETS[random(SECRETS.length)]! : 'x'.repeat(random(90)));
    const text = parts.join(' ');
    for (const hold of [64, 1024]) {
      for (let round = 0; round < 20; round++) {
        const chunks: string[] = [];
        for (let at = 0; at < text.length; ) {
          const n = 1 + random(300);
          chunks.push(text.slice(at, at + n));
          at += n;
        }
        expect(through(chunks, hold)).toBe(mask(text));
      }
    }
  });

  it('lets out what it holds once the stream is quiet, masked, without waiting for the end', () => {
    vi.useFakeTimers();
    let out = '';
    const stream = createStreamMask(mask, (t) => (out += t));
    stream.push('Password for sk-live-9c1e5a7f3b2d: ');
    expect(out).toBe(''); // held: the next chunk might complete a secret
    vi.advanceTimersByTime(200);
    expect(out).toBe('Password for sk…(masked): ');
    stream.push('more');
    stream.end();
    expect(out).toBe('Password for sk…(masked): more');
  });

  it('lets a long chunk out at once but for its last part, cut where no secret is', () => {
    let out = '';
    const stream = createStreamMask(mask, (t) => (out += t), { hold: 64 });
    const text = `${'a'.repeat(100)}${SECRETS[2]}${'b'.repeat(30)}`;
    stream.push(text);
    // 170 characters: the cut at 170 - 64 = 106 falls inside the secret (100 to 140), so it
    // moves back by the hold, to 42, where none is.
    expect(text).toHaveLength(170);
    expect(out).toBe('a'.repeat(42));
    stream.end();
    expect(out).toBe(mask(text));
  });

  it('masks a secret cut by the 64 KiB reads of a busy pipe, read after read', () => {
    const secret = SECRETS[0]!;
    // Two 64 KiB reads, the secret across the boundary between them, then a third read.
    const text = `${'a'.repeat(65_536 - 8)}${secret}${'b'.repeat(65_536 * 2)}`;
    const chunks = [text.slice(0, 65_536), text.slice(65_536, 131_072), text.slice(131_072)];
    const out = through(chunks);
    expect(out).toBe(mask(text));
    expect(out).not.toContain(secret);
    // And again, the secret across the second boundary, with 1 KiB already held.
    const later = `${'a'.repeat(131_072 - 10)}${secret}${'b'.repeat(70_000)}`;
    expect(through([later.slice(0, 65_536), later.slice(65_536, 131_072), later.slice(131_072)])).toBe(mask(later));
  });

  it('never cuts between the two halves of an emoji, and lets out at once what comes after its end', () => {
    const emoji = '🌳';
    for (let pad = 0; pad < 4; pad++) {
      let out = '';
      const stream = createStreamMask(mask, (t) => (out += t), { hold: 8 });
      const text = `${'x'.repeat(pad)}${emoji.repeat(10)}`;
      stream.push(text);
      // What is out so far ends on a whole character.
      expect(out).toBe(text.slice(0, out.length));
      expect(/[\uD800-\uDBFF]$/.test(out)).toBe(false);
      stream.end();
      expect(out).toBe(text);
    }
    let out = '';
    const stream = createStreamMask(mask, (t) => (out += t));
    stream.end();
    stream.push('late');
    expect(out).toBe('late');
  });

  it('sees a secret longer than the usual hold whole when it is told the secrets (a PEM key)', () => {
    const pem = `-----BEGIN KEY-----${'k'.repeat(1700)}-----END KEY-----`;
    let out = '';
    const stream = createStreamMask((t) => maskSecrets(t, [pem]), (t) => (out += t), { secrets: [pem] });
    const text = `key: ${pem}\ndone\n`;
    for (let at = 0; at < text.length; at += 1200) stream.push(text.slice(at, at + 1200));
    stream.end();
    expect(out).not.toContain('kkkkkkkk');
    expect(out).toContain('done');
  });

  it('keeps back, when the stream goes quiet, an end that begins a known secret, until the rest comes', () => {
    vi.useFakeTimers();
    const secret = SECRETS[0]!;
    let out = '';
    const stream = createStreamMask(mask, (t) => (out += t), { secrets: SECRETS });
    stream.push(`Password: ok\nkey=${secret.slice(0, 10)}`);
    vi.advanceTimersByTime(1000);
    expect(out).toBe('Password: ok\nkey=');
    stream.push(`${secret.slice(10)} and a prompt> `);
    vi.advanceTimersByTime(1000);
    expect(out).not.toContain(secret.slice(2, 10));
    expect(out).toMatch(/prompt> $/);
    stream.end();
  });
});
