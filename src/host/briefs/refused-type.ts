/**
 * What a refused upload is, in words a person recognises ("an SVG", "a Windows executable"),
 * from what file-type detected and, when it detected nothing, the first bytes themselves:
 * file-type names binary formats only, and the text formats people drop by mistake (an SVG
 * export, a saved HTML page) deserve their own names rather than "unknown bytes".
 */
const NAMED: Record<string, string> = {
  'application/x-msdownload': 'a Windows executable',
  'application/x-elf': 'a Linux executable',
  'application/x-mach-binary': 'a macOS executable',
  'image/svg+xml': 'an SVG',
  'application/pdf': 'a PDF',
  'image/bmp': 'a BMP image',
  'image/tiff': 'a TIFF image',
  'image/heic': 'a HEIC image',
  'image/heif': 'a HEIF image',
  'image/avif': 'an AVIF image',
  'image/x-icon': 'an icon file',
  'image/vnd.adobe.photoshop': 'a Photoshop file',
  'application/zip': 'a ZIP archive',
  'application/gzip': 'a gzip archive',
  'application/x-tar': 'a tar archive',
  'video/mp4': 'an MP4 video',
  'video/quicktime': 'a QuickTime video',
  'video/webm': 'a WebM video',
  'application/xml': 'an XML document',
};

export function describeRefusedType(detected: string | null, head: Uint8Array): string {
  if (detected && detected !== 'application/xml') return NAMED[detected] ?? `a file of type ${detected}`;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 1024)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  // An SVG may open with an XML declaration, a doctype or comments before its <svg> element.
  if (/^<(\?xml|!doctype svg|!--|svg)/.test(text) && text.includes('<svg')) return 'an SVG';
  if (detected) return NAMED[detected] ?? `a file of type ${detected}`;
  if (/^<(!doctype html|html|head|body)/.test(text)) return 'an HTML page';
  // eslint-disable-next-line no-control-regex
  if (text.length > 0 && !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text)) return 'text';
  return 'unknown bytes';
}
