import type { BriefStatusName } from '../../shared/brief-constants';
import { statusLabel } from './brief-labels';

/** A brief's status as a word on a tinted chip; the colour only echoes the word. */
export function BriefStatusBadge({ status }: { status: BriefStatusName }) {
  return (
    <span className={`brief-status brief-status-${status}`} data-status={status} data-testid="brief-status">
      {statusLabel(status)}
    </span>
  );
}
