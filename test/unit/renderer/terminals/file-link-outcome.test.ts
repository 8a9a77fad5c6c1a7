import { describe, expect, it } from 'vitest';
import { fileLinkOutcome } from '../../../../src/renderer/terminals/file-link-outcome';

const answer = (value: { relative: string; exists: boolean; isFile: boolean; changed: boolean }) => ({ ok: true as const, value });

describe('fileLinkOutcome', () => {
  it('shows the diff of a file the lane changed', () => {
    expect(fileLinkOutcome('./src/a.ts', answer({ relative: 'src/a.ts', exists: true, isFile: true, changed: true }))).toEqual({ kind: 'show-diff', relative: 'src/a.ts' });
  });

  it('names an unchanged file, which the app may open', () => {
    expect(fileLinkOutcome('src/b.ts', answer({ relative: 'src/b.ts', exists: true, isFile: true, changed: false }))).toEqual({
      kind: 'notice', path: 'src/b.ts', text: 'not changed in this lane', tone: 'info', canOpen: true, isMissing: false,
    });
  });

  it('says a missing or outside path is not in the lane, and stops linking it', () => {
    expect(fileLinkOutcome('src/gone.ts', answer({ relative: 'src/gone.ts', exists: false, isFile: false, changed: false }))).toMatchObject({ text: 'no such file in this lane', isMissing: true, canOpen: false });
    expect(fileLinkOutcome('../x.ts', { ok: false, error: { code: 'path_outside_lane', message: '…' } })).toMatchObject({ path: '../x.ts', text: 'outside this lane', isMissing: true });
  });

  it('passes other refusals on as they are, without forgetting the link', () => {
    expect(fileLinkOutcome('src/a.ts', { ok: false, error: { code: 'disconnected', message: 'Not connected to the host.' } })).toMatchObject({ text: 'Not connected to the host.', isMissing: false });
    expect(fileLinkOutcome('src', answer({ relative: 'src', exists: true, isFile: false, changed: false }))).toMatchObject({ text: 'a directory, not a file', canOpen: false });
  });
});
