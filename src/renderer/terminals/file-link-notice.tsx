import { X } from 'lucide-react';
import { useState } from 'react';
import { shellBridge } from '../shell/shell-bridge';
import type { FileLinkOutcome } from './file-link-outcome';

/**
 * The small notice a Ctrl+clicked file path leaves by its terminal when there is no diff to
 * show: the path, why (not changed, no such file, outside the lane), "Copy path", and in the
 * app "Open" and "Show in folder" (the shell checks the file is in the lane before either).
 */
export type FileNotice = Extract<FileLinkOutcome, { kind: 'notice' }> | { kind: 'pending'; path: string };

export function FileLinkNotice({ notice, lanePath, onClose }: { notice: FileNotice; lanePath: string; onClose: () => void }) {
  const [status, setStatus] = useState<string | null>(null);
  const bridge = shellBridge();
  const isPending = notice.kind === 'pending';
  const text = isPending ? 'looking in this lane…' : notice.text;
  const tone = isPending ? 'info' : notice.tone;
  const viaShell = async (how: 'openPath' | 'revealPath'): Promise<void> => {
    if (!bridge) return;
    const r = await bridge[how](lanePath, notice.path);
    setStatus(r.opened ? null : `Not opened: ${r.reason ?? 'the shell refused'}`);
  };
  return (
    <div
      className={`terminal-file-notice tone-${tone}`}
      role="status"
      data-testid="file-link-notice"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <span className="terminal-file-notice-text">
        <code>{notice.path}</code> — {text}
      </span>
      {!isPending && (
        <span className="terminal-file-notice-actions">
          <button type="button" onClick={() => void copyText(notice.path).then((ok) => setStatus(ok ? 'Copied' : 'Could not copy: select the path instead'))}>
            Copy path
          </button>
          {bridge && notice.canOpen && (
            <>
              <button type="button" onClick={() => void viaShell('openPath')}>Open</button>
              <button type="button" onClick={() => void viaShell('revealPath')}>Show in folder</button>
            </>
          )}
        </span>
      )}
      {status && <span className="terminal-file-notice-status">{status}</span>}
      <button type="button" className="icon-button" aria-label="Close" title="Close" onClick={onClose}>
        <X size={14} aria-hidden />
      </button>
    </div>
  );
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
