import { describe, expect, it } from 'vitest';
import { parseHostFrame } from '../../../../src/shared/client/parse-host-frame';
import { frameShape } from '../../../../src/renderer/connection/frame-shape';

/** The page's shape check keeps what the wire's schemas keep and drops what the connection cannot use. */
describe('frameShape', () => {
  const valid = [
    { kind: 'hello', protocolVersion: 3, hostVersion: '0.1.0', latestSeq: 12 },
    { kind: 'response', id: 4, ok: true, result: { repos: [] } },
    { kind: 'response', id: 'a', ok: false, error: { code: 'not_found', message: 'x' } },
    { kind: 'event', envelope: { seq: 5, at: '2026-12-03T00:00:00Z', event: { type: 'repo.removed', id: 'r' } } },
    { kind: 'gap', since: 3, latestSeq: 9 },
    { kind: 'live', latestSeq: 9 },
    { kind: 'detached', agentId: 'a1', reason: 'too slow' },
  ];
  it('keeps every well-formed frame, as the validator does', () => {
    for (const f of valid) {
      expect(frameShape(f)).toEqual(f);
      expect(parseHostFrame(f)).not.toBeNull();
    }
  });
  it('drops frames of unknown kinds and frames missing what the connection relies on', () => {
    for (const bad of [null, 'hello', [], { kind: 'nope' }, { kind: 'hello', protocolVersion: '3', hostVersion: 'x', latestSeq: 1 }, { kind: 'response', ok: true }, { kind: 'event', envelope: { seq: 1, at: 'x' } }, { kind: 'live' }, { kind: 'gap', since: 1 }, { kind: 'detached', agentId: 1, reason: 'x' }]) {
      expect(frameShape(bad)).toBeNull();
      expect(parseHostFrame(bad)).toBeNull();
    }
  });
});
