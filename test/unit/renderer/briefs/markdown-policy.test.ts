import { describe, expect, it } from 'vitest';
import { safeHref, safeImageSrc } from '../../../../src/renderer/briefs/markdown-policy';

const SHA = 'a'.repeat(64);

describe('safeHref', () => {
  it('keeps web, mail and Grove route links', () => {
    expect(safeHref('https://example.com/a?b=1')).toBe('https://example.com/a?b=1');
    expect(safeHref('http://flower.test/')).toBe('http://flower.test/');
    expect(safeHref('mailto:mike@example.com')).toBe('mailto:mike@example.com');
    expect(safeHref('#/brief/3')).toBe('#/brief/3');
  });

  it('refuses scripts, data, other schemes and relative URLs, however they are spelt', () => {
    for (const url of ['javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:alert(1)', 'java\nscript:alert(1)', 'data:text/html,<script>1</script>', 'vbscript:msgbox(1)', 'file:///etc/passwd', '/api/x', 'x', '//evil.example/', '#fragment', '']) {
      expect(safeHref(url), url).toBeNull();
    }
  });
});

describe('safeImageSrc', () => {
  it('keeps only Grove blobs', () => {
    expect(safeImageSrc(`/blobs/${SHA}`)).toBe(`/blobs/${SHA}`);
    for (const url of ['https://evil.example/x.png', 'data:image/png;base64,AAAA', `/blobs/${SHA}/../x`, `/blobs/${SHA.toUpperCase()}`, `//host/blobs/${SHA}`, 'x" onerror="1', '']) {
      expect(safeImageSrc(url), url).toBeNull();
    }
  });
});
