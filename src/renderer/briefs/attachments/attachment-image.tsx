import { ExternalLink, ImageOff, RotateCw } from 'lucide-react';
import { useState } from 'react';
import type { BriefAttachment } from '../../../shared/briefs';
import { formatBytes } from '../../../shared/byte-size';
import { Paths } from '../../../shared/paths';
import { Dialog } from '../../ui/dialog';
import { shellBridge } from '../../shell/shell-bridge';
import { TimeAgo } from '../../ui/time-ago';
import { blobAvailability } from './blob-availability';
import './attachments.css';

/**
 * An attachment in the trace: a thumbnail that opens a lightbox (the one Radix dialog: Escape
 * closes it, focus returns to the thumbnail) with the full image, its name, size and who
 * added it. The bytes come from `GET /blobs/<sha256>`, which the page's CSP allows (img-src 'self').
 * An image that does not load is replaced by the host's sentence saying why (attached on another
 * host and not uploaded yet, the shared store unreachable…) with a Retry where retrying can help.
 */
/** The image, or why it is not shown: asked of the host when the image fails to load. */
type View = { kind: 'image'; attempt: number } | { kind: 'checking'; attempt: number } | { kind: 'unavailable'; attempt: number; message: string; canRetry: boolean };

export function AttachmentImage(props: { attachment: BriefAttachment }) {
  const a = props.attachment;
  const [isOpen, setOpen] = useState(false);
  const [view, setView] = useState<View>({ kind: 'image', attempt: 0 });
  // A new address after a failure: the browser does not reuse the failed answer.
  const src = `${Paths.blobs}/${a.sha256}${view.attempt > 0 ? `?attempt=${view.attempt}` : ''}`;
  const size = formatBytes(a.size);

  const check = () => {
    const attempt = view.attempt + 1;
    setView({ kind: 'checking', attempt });
    void blobAvailability(a.sha256, a.name).then((why) => {
      if (!why.ok) return setView({ kind: 'unavailable', attempt, message: why.message, canRetry: why.canRetry });
      // The host serves it, yet it failed again right after: a file this page cannot show, not one to keep asking for.
      if (view.kind === 'image' && attempt > 1) return setView({ kind: 'unavailable', attempt, message: `${a.name} is stored on this host, but this page could not display it.`, canRetry: false });
      setView({ kind: 'image', attempt });
    });
  };

  if (view.kind !== 'image') {
    return (
      <figure className="attachment" data-testid="attachment-unavailable">
        <div className="attachment-placeholder" role="status">
          <ImageOff size={16} aria-hidden className="attachment-placeholder-icon" />
          <p>{view.kind === 'checking' ? `Looking for ${a.name}…` : view.message}</p>
          {view.kind === 'unavailable' && view.canRetry ? (
            <button type="button" onClick={check}>
              <RotateCw size={14} aria-hidden /> Retry
            </button>
          ) : null}
        </div>
        <figcaption className="attachment-caption">
          <span className="attachment-name">{a.name}</span> <span className="muted">· {size}</span>
        </figcaption>
      </figure>
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
            <img src={src} alt={a.name} loading="lazy" onError={check} />
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
          {/* In a browser, a tab of its own. Not in the app: its window opens no tabs, and the
              system browser it hands links to has no session with the host (a 401); the
              lightbox already shows the image at full size. */}
          {!shellBridge() && (
            <a href={src} target="_blank" rel="noopener noreferrer" className="attachment-original" data-testid="attachment-original">
              <ExternalLink size={14} aria-hidden /> Open full size
            </a>
          )}
        </div>
      </Dialog>
      <figcaption className="attachment-caption">
        <span className="attachment-name">{a.name}</span> <span className="muted">· {size}</span>
      </figcaption>
    </figure>
  );
}
