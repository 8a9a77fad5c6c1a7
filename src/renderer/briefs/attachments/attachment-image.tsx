import { ExternalLink, ImageOff } from 'lucide-react';
import { useState } from 'react';
import type { BriefAttachment } from '../../../shared/briefs';
import { formatBytes } from '../../../shared/byte-size';
import { Paths } from '../../../shared/paths';
import { Dialog } from '../../ui/dialog';
import { TimeAgo } from '../../ui/time-ago';
import './attachments.css';

/**
 * An attachment in the trace: a thumbnail that opens a lightbox (the one Radix dialog: Escape
 * closes it, focus returns to the thumbnail) with the full image, its name, size and who
 * added it. The bytes come from `GET /blobs/<sha256>`, which the page's CSP allows (img-src 'self').
 */
export function AttachmentImage(props: { attachment: BriefAttachment }) {
  const a = props.attachment;
  const [isOpen, setOpen] = useState(false);
  const [isMissing, setMissing] = useState(false);
  const src = `${Paths.blobs}/${a.sha256}`;
  const size = formatBytes(a.size);

  if (isMissing) {
    return (
      <p className="attachment-missing muted" data-testid="attachment-missing">
        <ImageOff size={14} aria-hidden /> {a.name} ({size}) is no longer stored.
      </p>
    );
  }
  return (
    <figure className="attachment" data-testid="attachment">
      <Dialog
        open={isOpen}
        onOpenChange={setOpen}
        title={a.name}
        wide
        trigger={
          <button type="button" className="attachment-thumb" aria-label={`Open ${a.name} (${size})`}>
            <img src={src} alt={a.name} loading="lazy" onError={() => setMissing(true)} />
          </button>
        }
        description={
          <span data-testid="lightbox-details">
            {size} · {a.type.replace('image/', '').toUpperCase()} · added by {a.addedBy.name} · <TimeAgo at={a.at} />
          </span>
        }
      >
        <div className="attachment-lightbox" data-testid="lightbox">
          <img src={src} alt={a.name} />
          <a href={src} target="_blank" rel="noopener noreferrer" className="attachment-original">
            <ExternalLink size={14} aria-hidden /> Open full size
          </a>
        </div>
      </Dialog>
      <figcaption className="attachment-caption">
        <span className="attachment-name">{a.name}</span> <span className="muted">· {size}</span>
      </figcaption>
    </figure>
  );
}
