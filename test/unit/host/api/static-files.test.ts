import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, inlineScriptSources } from '../../../../src/host/api/static-files';

describe('the page policy for inline scripts', () => {
  it('names each bare inline script by the SHA-256 of its exact text, and no script loaded from a file', () => {
    // The hash of `alert(1)` as `openssl dgst -sha256 -binary | base64` gives it.
    const html = '<head><script src="/a.js"></script><script>alert(1)</script><script type="module" src="/b.js"></script></head><body><script>\n x \n</script></body>';
    const sources = inlineScriptSources(html);
    expect(sources).toHaveLength(2);
    expect(sources[0]).toBe("'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='");
    // Whitespace is part of the text the browser hashes.
    expect(sources[1]).not.toBe(inlineScriptSources('<script>x</script>')[0]);
  });

  it('allows the host\'s own files and exactly those scripts', () => {
    expect(contentSecurityPolicy('127.0.0.1:7000')).toContain("script-src 'self';");
    const policy = contentSecurityPolicy('127.0.0.1:7000', inlineScriptSources('<script>alert(1)</script>'));
    expect(policy).toContain("script-src 'self' 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=';");
    expect(policy.split('; ').find((d) => d.startsWith('script-src'))).not.toContain('unsafe');
  });
});
