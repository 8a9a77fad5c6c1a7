import { Check, Copy, X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { Packet } from '../../../shared/dispatch';
import { briefRef } from '../brief-labels';

type CopyState = { kind: 'idle' } | { kind: 'copied' } | { kind: 'refused' };

/**
 * The copy-paste packet: the text any agent could be given by hand to do the brief, read
 * only, with a Copy button. Where the clipboard is refused (an insecure origin, a denied
 * permission) the text is selected instead, so Ctrl+C copies it.
 */
export function PacketBlock({ packet, onClose }: { packet: Packet; onClose: () => void }) {
  const textRef = useRef<HTMLPreElement>(null);
  const [copy, setCopy] = useState<CopyState>({ kind: 'idle' });
  useEffect(() => setCopy({ kind: 'idle' }), [packet.text]);
  const copyPacket = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(packet.text);
      setCopy({ kind: 'copied' });
    } catch {
      selectAll(textRef.current);
      setCopy({ kind: 'refused' });
    }
  };
  return (
    <div className="dispatch-packet" data-testid="dispatch-packet">
      <div className="dispatch-packet-head">
        <h3 className="brief-subhead">Copy-paste packet for {briefRef(packet.number)}</h3>
        <button type="button" onClick={() => void copyPacket()} data-testid="copy-packet">
          {copy.kind === 'copied' ? <Check size={14} aria-hidden /> : <Copy size={14} aria-hidden />} Copy
        </button>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Hide the packet" title="Hide the packet">
          <X size={14} aria-hidden />
        </button>
      </div>
      <pre ref={textRef} className="recall-text dispatch-packet-text" tabIndex={0} aria-label="Copy-paste packet" data-testid="packet-text">
        {packet.text}
      </pre>
      <p className="muted dispatch-copy-status" role="status">
        {copy.kind === 'copied' ? 'Copied to the clipboard.' : copy.kind === 'refused' ? 'The clipboard refused: the text is selected, press Ctrl+C (⌘C) to copy it.' : ''}
      </p>
    </div>
  );
}

function selectAll(el: HTMLElement | null): void {
  if (!el) return;
  el.focus();
  const range = document.createRange();
  range.selectNodeContents(el);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
}
