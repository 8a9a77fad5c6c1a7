import { describe, expect, it } from 'vitest';
import { checkHostHeader, checkOrigin } from '../../../../src/host/api/request-guard';
import { tokensMatch, readCookies } from '../../../../src/host/api/auth';

const policy = { port: 4100, allowedHosts: ['devbox.lan'] };

describe('Host header (DNS rebinding)', () => {
  it.each(['127.0.0.1:4100', 'localhost:4100', '[::1]:4100', 'LOCALHOST:4100', 'devbox.lan:4100'])('accepts %s', (h) => {
    expect(checkHostHeader(h, policy)).toBeNull();
  });
  it.each(['evil.example:4100', 'evil.example', '127.0.0.1:4101', 'localhost.evil.example:4100', '127.0.0.1.nip.io:4100'])('refuses %s', (h) => {
    expect(checkHostHeader(h, policy)?.code).toBe('forbidden_host');
  });
  it('refuses a request without Host', () => {
    expect(checkHostHeader(undefined, policy)?.code).toBe('forbidden_host');
  });
});

describe('Origin (cross-site requests and WebSocket hijacking)', () => {
  it('lets through clients that are not browsers (no Origin)', () => {
    expect(checkOrigin(undefined, policy)).toBeNull();
  });
  it.each(['http://127.0.0.1:4100', 'http://localhost:4100', 'http://devbox.lan:4100'])('accepts its own origin %s', (o) => {
    expect(checkOrigin(o, policy)).toBeNull();
  });
  it.each(['http://evil.example', 'null', 'http://127.0.0.1:5173', 'https://127.0.0.1:4100', 'file://'])('refuses %s', (o) => {
    expect(checkOrigin(o, policy)?.code).toBe('forbidden_origin');
  });
});

describe('token', () => {
  it('matches only the exact token', () => {
    expect(tokensMatch('s3cret-token-abcdef', 's3cret-token-abcdef')).toBe(true);
    expect(tokensMatch('s3cret-token-abcdef', 's3cret-token-abcdeF')).toBe(false);
    expect(tokensMatch('s3cret-token-abcdef', 's3cret')).toBe(false);
    expect(tokensMatch('s3cret-token-abcdef', '')).toBe(false);
    expect(tokensMatch('s3cret-token-abcdef', undefined)).toBe(false);
  });
  it('reads the cookie among others, every value of it (a planted one sent first does not hide the real one), skipping one that does not decode', () => {
    expect(readCookies('a=1; grove_token=xyz; b=2', 'grove_token')).toEqual(['xyz']);
    expect(readCookies('a=1', 'grove_token')).toEqual([]);
    expect(readCookies('grove_token=planted; grove_token=%; grove_token=real', 'grove_token')).toEqual(['planted', 'real']);
  });
});
