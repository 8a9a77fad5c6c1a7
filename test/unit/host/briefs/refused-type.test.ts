import { describe, expect, it } from 'vitest';
import { contentDisposition } from '../../../../src/host/briefs/blob-http';
import { describeRefusedType } from '../../../../src/host/briefs/refused-type';

const text = (s: string) => new TextEncoder().encode(s);

describe('describeRefusedType', () => {
  it('names what file-type detected in words', () => {
    expect(describeRefusedType('application/x-msdownload', text('MZ'))).toBe('a Windows executable');
    expect(describeRefusedType('application/pdf', text('%PDF-1.7'))).toBe('a PDF');
    expect(describeRefusedType('audio/mpeg', new Uint8Array([0xff, 0xfb]))).toBe('a file of type audio/mpeg');
  });

  it('recognises an SVG however it opens, even when file-type calls it XML', () => {
    expect(describeRefusedType(null, text('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('an SVG');
    expect(describeRefusedType('application/xml', text('<?xml version="1.0"?>\n<!-- made by hand -->\n<svg/>'))).toBe('an SVG');
    expect(describeRefusedType(null, text('\uFEFF  <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"><svg/>'))).toBe('an SVG');
    expect(describeRefusedType('application/xml', text('<?xml version="1.0"?><feed/>'))).toBe('an XML document');
  });

  it('tells an HTML page and text from unknown bytes', () => {
    expect(describeRefusedType(null, text('<!doctype html><title>x</title>'))).toBe('an HTML page');
    expect(describeRefusedType(null, text('just some notes\n'))).toBe('text');
    expect(describeRefusedType(null, new Uint8Array([0, 1, 2, 250, 251]))).toBe('unknown bytes');
  });
});

describe('contentDisposition', () => {
  it('keeps a plain name and encodes anything else twice: an ASCII stand-in and the exact name', () => {
    expect(contentDisposition('shot.png')).toBe(`inline; filename="shot.png"; filename*=UTF-8''shot.png`);
    expect(contentDisposition('café "menu"; x.png')).toBe(`inline; filename="caf_ _menu__ x.png"; filename*=UTF-8''caf%C3%A9%20%22menu%22%3B%20x.png`);
    expect(contentDisposition('a\r\nset-cookie: x=1.png')).not.toMatch(/[\r\n]/);
  });
});
