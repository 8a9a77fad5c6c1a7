import { briefRef, PROVISIONAL_TITLE } from './brief-labels';

/**
 * A brief's number as the list and the page show it. While sync is on, a brief the shared store
 * has not numbered yet (made offline, not pushed yet) carries a quiet marker: its number may
 * still change at its first push (docs/sync.md, Brief numbers).
 */
export function BriefNumber({ number, provisional, className }: { number: number; provisional: boolean; className: string }) {
  if (!provisional) return <span className={className}>{briefRef(number)}</span>;
  return (
    <span className={`${className} is-provisional`} title={PROVISIONAL_TITLE} data-testid="brief-number-provisional">
      {briefRef(number)}
      <span className="provisional-mark" aria-hidden>
        ~
      </span>
      <span className="visually-hidden"> ({PROVISIONAL_TITLE})</span>
    </span>
  );
}
