import type { BriefAttachment } from '../../../shared/briefs';
import { Paths } from '../../../shared/paths';

/*
 * How an attachment is named, and shown in a spec's text: plain text, no DOM, so Node tests
 * read it too.
 */

/** The name a file is attached under: its own, or one for a pasted image that has none. */
export function attachmentName(file: { name: string }): string {
  const name = file.name.trim();
  if (name === '') return 'pasted image';
  // At most 255 UTF-16 units (the host's limit), never half of a character that takes two.
  const cut = name.slice(0, 255);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** Markdown that shows an attachment in a spec (the spec renderer shows images from Grove's blobs only). */
export function attachmentMarkdown(a: Pick<BriefAttachment, 'name' | 'sha256'>): string {
  const alt = a.name.replace(/[[\]\\]/g, '');
  return `![${alt}](${Paths.blobs}/${a.sha256})`;
}
