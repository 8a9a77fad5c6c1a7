import type { ReactNode } from 'react';

/**
 * Where screenshots are dropped or pasted onto a brief (the trace, the spec editor): uploads
 * them to `POST /blobs?brief=REF&name=NAME`, shows "uploading…" and says why a file was
 * refused. Interim: renders its children only; the attachments work fills it in.
 */
export function AttachmentDropZone(props: { briefRef: string; label: string; children: ReactNode; className?: string }) {
  return <div className={props.className}>{props.children}</div>;
}
