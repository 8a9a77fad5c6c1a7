import { useEffect, useMemo, useState } from 'react';
import type { Brief } from '../../shared/briefs';
import type { Packet } from '../../shared/dispatch';
import { useHostStore } from '../connection/use-host';
import { briefRef } from './brief-labels';
import { BriefSection } from './brief-section';
import { ClaimLine } from './dispatch/claim-line';
import { DispatchForm } from './dispatch/dispatch-form';
import { DispatchList } from './dispatch/dispatch-list';
import { PacketBlock } from './dispatch/packet-block';
import { useDispatches } from './dispatch/use-dispatches';
import { dispatchLine, isCancellable } from './dispatch/dispatch-line';
import { usePublishBriefItems } from './brief-page-items';

/**
 * "hand-off · dispatch": the form that asks an agent to do the brief, the copy-paste packet
 * (after a dispatch, or on demand), who holds the brief's claim, and every dispatch of the
 * brief with its state, live.
 */
export function DispatchSection({ brief }: { brief: Brief }) {
  const { dispatches, claim, error, lay } = useDispatches(brief);
  const [packet, setPacket] = useState<Packet | null>(null);
  const store = useHostStore();
  // The palette's "Cancel #N's dispatch" (one per dispatch that can still be cancelled), while
  // the list that does it is shown (a failed read shows its error instead).
  const cancellable = useMemo(
    () =>
      (error ? [] : (dispatches ?? [])).filter(isCancellable).map((d) => {
        const line = dispatchLine(d);
        return { id: d.id, label: `${line.wave}, ${line.state}, ${line.lane}, ${line.agent}` };
      }),
    [dispatches, error],
  );
  usePublishBriefItems('dispatches', cancellable);
  // A packet shown while its dispatch was still making its lane names the lane without a
  // path: once the lane exists, the packet is read again, so what is copied says where to work.
  const laneId = dispatches?.[0]?.laneId ?? null;
  const isShown = packet !== null;
  useEffect(() => {
    if (!isShown || laneId === null) return;
    let isCurrent = true;
    void store.request('briefs.packet', { ref: briefRef(brief.number) }).then((r) => {
      if (isCurrent && r.ok) setPacket((shown) => (shown ? r.value : shown));
    });
    return () => {
      isCurrent = false;
    };
  }, [store, brief.number, laneId, isShown]);
  return (
    <BriefSection eyebrow="hand-off · dispatch" title="Dispatch" testId="brief-dispatch" className="dispatch-section">
      <DispatchForm
        brief={brief}
        onDispatched={(d, p) => {
          lay(d);
          setPacket(p);
        }}
        onPacket={setPacket}
      />
      {packet && <PacketBlock packet={packet} onClose={() => setPacket(null)} />}
      {claim && <ClaimLine claim={claim} />}
      {error ? (
        <p className="brief-error" role="alert" data-testid="dispatch-list-error">
          The brief’s dispatches could not be read: {error}
        </p>
      ) : dispatches === null ? (
        <p className="muted brief-side-line">Loading dispatches…</p>
      ) : dispatches.length === 0 ? (
        <p className="muted brief-side-line" data-testid="no-dispatches">
          No dispatch requests yet — dispatch above to generate a copy-paste packet.
        </p>
      ) : (
        <DispatchList dispatches={dispatches} onCancelled={lay} />
      )}
    </BriefSection>
  );
}
