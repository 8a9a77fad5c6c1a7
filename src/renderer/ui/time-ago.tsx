import { useNow } from './use-now';
import { formatAbsolute, formatRelative } from './time-format';

/** A moment as the UI shows every moment: relative ("5 min ago"), the absolute time on hover. */
export function TimeAgo({ at, className }: { at: string; className?: string }) {
  const now = useNow(15_000);
  return (
    <time dateTime={at} title={formatAbsolute(at)} className={className}>
      {formatRelative(at, now)}
    </time>
  );
}
