import { afterAll, describe, expect, it } from 'vitest';
import { briefRig, MIKE } from '../../../fixtures/brief-service';
import { removeTempDirs } from '../../../fixtures/temp-dir';
import type { Result } from '../../../../src/shared/result';
import type { ApiError } from '../../../../src/shared/errors';

afterAll(() => removeTempDirs());

const ok = <T>(r: Result<T, ApiError>): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('a redaction that arrives before the entry it redacts', () => {
  it('applies to that entry when it comes: its text never stays on the host that received them in that order', () => {
    // A writes a note with a secret; B has A's entries and redacts the note.
    const a = briefRig({ node: 'a' });
    ok(a.service.create({ title: 'T', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui'));
    const note = ok(a.service.append('#1', { kind: 'note', text: 'the key is uq-late-secret' }, MIKE, 'ui')).entries[0]!;
    const fromA = a.store.since(0, 1000);
    const b = briefRig({ node: 'b' });
    ok(b.service.importEntries(fromA));
    ok(b.service.redact('#1', note.id, 'a secret', MIKE, 'ui'));
    const redaction = b.store.since(0, 1000).find((e) => e.kind === 'redaction')!;
    // C gets the brief and B's redaction first, A's note (as A still has it) only later.
    const c = briefRig({ node: 'c' });
    ok(c.service.importEntries([...fromA.filter((e) => e.id !== note.id), redaction]));
    ok(c.service.importEntries(fromA.filter((e) => e.id === note.id)));
    const onC = c.store.entry(note.id)!;
    expect(onC.redacted).toMatchObject({ redactionId: redaction.id, reason: 'a secret' });
    expect(JSON.stringify(c.store.trace(onC.briefId))).not.toContain('uq-late-secret');
    for (const rig of [a, b, c]) rig.close();
  });
});
