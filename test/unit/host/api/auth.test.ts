import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { presentedToken } from '../../../../src/host/api/auth';

const withAuth = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

describe('presentedToken', () => {
  it('reads a bearer token whatever the case of the scheme, as HTTP says it is', () => {
    expect(presentedToken(withAuth('Bearer abc123'))).toBe('abc123');
    expect(presentedToken(withAuth('bearer abc123'))).toBe('abc123');
    expect(presentedToken(withAuth('BEARER \tabc123 '))).toBe('abc123');
  });

  it('reads no token from another scheme, an empty one, or none', () => {
    expect(presentedToken(withAuth('Basic dXNlcjpwYXNz'))).toBeUndefined();
    expect(presentedToken(withAuth('Bearer'))).toBeUndefined();
    expect(presentedToken(withAuth('Bearer '))).toBeUndefined();
    expect(presentedToken(withAuth('Bearerabc'))).toBeUndefined();
    expect(presentedToken(withAuth())).toBeUndefined();
  });
});
