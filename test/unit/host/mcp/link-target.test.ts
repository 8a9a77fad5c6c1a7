import { describe, expect, it } from 'vitest';
import { parseLinkTarget } from '../../../../src/host/mcp/link-target';

describe('parseLinkTarget', () => {
  it('reads #N as a brief, a URL as a URL, hex digits as a commit', () => {
    expect(parseLinkTarget('#12')).toEqual({ ok: true, value: { type: 'brief', target: '#12' } });
    expect(parseLinkTarget(' https://flower.test/pr/7 ')).toEqual({ ok: true, value: { type: 'url', target: 'https://flower.test/pr/7' } });
    expect(parseLinkTarget('HTTP://x.test')).toMatchObject({ ok: true, value: { type: 'url' } });
    expect(parseLinkTarget('mailto:mike@flower.test')).toMatchObject({ ok: true, value: { type: 'url' } });
    expect(parseLinkTarget('abcdef1')).toEqual({ ok: true, value: { type: 'commit', target: 'abcdef1' } });
    expect(parseLinkTarget('ABCDEF0123456789ABCDEF0123456789ABCDEF01')).toEqual({ ok: true, value: { type: 'commit', target: 'abcdef0123456789abcdef0123456789abcdef01' } });
  });

  it('reads TYPE:TARGET for every link type', () => {
    expect(parseLinkTarget('lane:fix-login')).toEqual({ ok: true, value: { type: 'lane', target: 'fix-login' } });
    expect(parseLinkTarget('merge:0193abcd')).toEqual({ ok: true, value: { type: 'merge', target: '0193abcd' } });
    expect(parseLinkTarget('incident:42')).toEqual({ ok: true, value: { type: 'incident', target: '42' } });
    expect(parseLinkTarget('agent_run:claude-1')).toEqual({ ok: true, value: { type: 'agent_run', target: 'claude-1' } });
    expect(parseLinkTarget('brief:#3')).toEqual({ ok: true, value: { type: 'brief', target: '#3' } });
    expect(parseLinkTarget('commit:ABC1234')).toEqual({ ok: true, value: { type: 'commit', target: 'abc1234' } });
    expect(parseLinkTarget('url:https://x.test/a')).toEqual({ ok: true, value: { type: 'url', target: 'https://x.test/a' } });
  });

  it('refuses what it cannot tell, saying which forms work', () => {
    for (const to of ['the login fix', 'abc12', 'abcdef0123456789abcdef0123456789abcdef012', '#', '#x', 'ftp://x.test', 'lane:', 'commit:main', 'url:petals', 'https://']) {
      const parsed = parseLinkTarget(to);
      expect(parsed.ok, to).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.error.code).toBe('invalid_request');
      expect(parsed.error.message).toContain('Give #N for a brief, an http(s) URL, a commit sha (7 to 40 hex digits), or TYPE:TARGET');
    }
  });

  it('quotes a long refused text only in part', () => {
    const parsed = parseLinkTarget('x '.repeat(500));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.message.length).toBeLessThan(400);
  });
});
