import { describe, expect, it } from 'vitest';
import { attachmentName } from '../../../../src/renderer/briefs/attachments/attachment-text';

describe('the name a file is attached under', () => {
  it('is its own, trimmed; a pasted image without one gets one', () => {
    expect(attachmentName({ name: '  login screen.png ' })).toBe('login screen.png');
    expect(attachmentName({ name: '' })).toBe('pasted image');
  });

  it('is cut to the host’s 255 units without splitting a character in two, so it can still go in a URL', () => {
    const long = `${'a'.repeat(254)}😀 and more.png`; // the emoji's two halves at 254 and 255
    const name = attachmentName({ name: long });
    expect(name).toBe('a'.repeat(254));
    expect(() => encodeURIComponent(name)).not.toThrow();
    const fits = `${'b'.repeat(253)}😀.png`;
    expect(attachmentName({ name: fits })).toBe(`${'b'.repeat(253)}😀`);
  });
});
