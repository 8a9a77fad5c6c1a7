import type { BriefAttachment } from '../../../shared/briefs';
import { Paths } from '../../../shared/paths';

/** An attachment shown in the trace; opens a lightbox on click (the attachments work adds it). */
export function AttachmentImage(props: { attachment: BriefAttachment }) {
  const a = props.attachment;
  return <img src={`${Paths.blobs}/${a.sha256}`} alt={a.name} loading="lazy" style={{ maxWidth: '100%', maxHeight: 320 }} />;
}
