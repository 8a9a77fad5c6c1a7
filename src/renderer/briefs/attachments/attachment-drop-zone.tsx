import { ImagePlus, X } from 'lucide-react';
import { useBriefPartRequest, type BriefPart } from '../brief-part-requests';
import { useEffect, useRef, useState, type ClipboardEvent, type DragEvent, type ReactNode } from 'react';
import { ATTACHMENT_TYPES } from '../../../shared/brief-constants';
import type { BriefAttachment } from '../../../shared/briefs';
import { attachmentName } from './attachment-text';
import { uploadAttachment } from './upload-attachment';
import './attachments.css';

/**
 * Where screenshots are dropped or pasted onto a brief (the trace composer, the spec editor),
 * or picked with the "Attach a screenshot" button: each file goes to `POST /blobs` on its own.
 * While it uploads its name shows with "uploading…"; once stored it disappears from here, since
 * the new entry reaches the trace through the live `brief.changed` event; a refusal stays with
 * the host's reason until dismissed. Text dropped or pasted is left to the field underneath.
 */
type Upload = { id: number; name: string } & ({ state: 'uploading' } | { state: 'failed'; message: string });

export function AttachmentDropZone(props: {
  briefRef: string;
  /** A hint beside the button, e.g. "…or paste a screenshot". */
  label: string;
  children: ReactNode;
  className?: string;
  /** Called with each stored attachment (the spec editor inserts `![name](/blobs/<sha256>)`). */
  onUploaded?: (attachment: BriefAttachment) => void;
  /** Whether any upload is still on its way (the spec editor holds its save until none is). */
  onBusy?: (busy: boolean) => void;
  /** The palette's request that opens its file picker (the trace's "Attach a screenshot to #N…"). */
  pickerPart?: BriefPart;
}) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const isBusy = uploads.some((u) => u.state === 'uploading');
  const { onBusy } = props;
  useEffect(() => onBusy?.(isBusy), [isBusy, onBusy]);
  const [isDragging, setDragging] = useState(false);
  const depth = useRef(0);
  const nextId = useRef(1);
  const picker = useRef<HTMLInputElement>(null);
  // Run from the palette's Enter, a user's gesture still: the browser lets the picker open.
  useBriefPartRequest(props.pickerPart ?? null, () => picker.current?.click());

  const upload = (files: readonly File[]): void => {
    for (const file of files) {
      const id = nextId.current++;
      const name = attachmentName(file);
      setUploads((u) => [...u, { id, name, state: 'uploading' }]);
      void uploadAttachment(props.briefRef, file, name).then((outcome) => {
        if (outcome.ok) {
          setUploads((u) => u.filter((x) => x.id !== id));
          props.onUploaded?.(outcome.attachment);
        } else {
          setUploads((u) => u.map((x) => (x.id === id ? { id, name, state: 'failed', message: outcome.message } : x)));
        }
      });
    }
  };

  const carriesFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');
  const onDragEnter = (e: DragEvent) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    depth.current++;
    setDragging(true);
  };
  const onDragOver = (e: DragEvent) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  };
  const onDragLeave = (e: DragEvent) => {
    if (!carriesFiles(e)) return;
    // Entering a child leaves the parent: only the last leave ends the highlight.
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setDragging(false);
  };
  const onDrop = (e: DragEvent) => {
    depth.current = 0;
    setDragging(false);
    const files = Array.from(e.dataTransfer.files);
    if (files.length === 0) return;
    e.preventDefault();
    upload(files);
  };
  const onPaste = (e: ClipboardEvent) => {
    const files = Array.from(e.clipboardData.files);
    if (files.length === 0) return;
    // Cells copied from a spreadsheet or a document come as text and a picture of them: the
    // text is pasted as usual and the picture attached too, so nothing copied is lost.
    if (!Array.from(e.clipboardData.types).includes('text/plain')) e.preventDefault();
    upload(files);
  };

  const uploading = uploads.filter((u) => u.state === 'uploading');
  const failed = uploads.filter((u): u is Upload & { state: 'failed' } => u.state === 'failed');
  return (
    <div
      className={`attachment-drop-zone${isDragging ? ' is-dragging' : ''}${props.className ? ` ${props.className}` : ''}`}
      data-testid="attachment-drop-zone"
      data-dragging={isDragging ? 'true' : undefined}
      onDragEnter={onDragEnter}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
      onPaste={onPaste}
    >
      {props.children}
      {isDragging && (
        <div className="attachment-drop-hint" aria-hidden>
          <ImagePlus size={18} /> Drop to attach to {props.briefRef}
        </div>
      )}
      <div className="attachment-bar">
        <button type="button" className="attachment-pick" onClick={() => picker.current?.click()}>
          <ImagePlus size={14} aria-hidden /> Attach a screenshot
        </button>
        <span className="attachment-label muted">{props.label}</span>
        <input
          ref={picker}
          type="file"
          accept={ATTACHMENT_TYPES.join(',')}
          multiple
          hidden
          data-testid="attachment-file-input"
          onChange={(e) => {
            upload(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
      </div>
      <div role="status" aria-live="polite" className="attachment-uploads">
        {uploading.map((u) => (
          <p key={u.id} className="attachment-uploading" data-testid="attachment-uploading">
            <span className="attachment-spinner" aria-hidden /> uploading… <span className="attachment-name">{u.name}</span>
          </p>
        ))}
      </div>
      {failed.map((u) => (
        <div key={u.id} role="alert" className="attachment-error" data-testid="attachment-error">
          <p>
            <strong>Not attached:</strong> {u.message}
          </p>
          <button type="button" className="icon-button" aria-label={`Dismiss the error about ${u.name}`} onClick={() => setUploads((all) => all.filter((x) => x.id !== u.id))}>
            <X size={14} aria-hidden />
          </button>
        </div>
      ))}
    </div>
  );
}
