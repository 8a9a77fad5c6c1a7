/** How long something lasted, the way a person says it: "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

/** A clock time for a bar's tooltip or a log line: "14:05" today, "Mon 14:05" on another day. */
export function formatClock(iso: string, now: Date): string {
  const t = new Date(iso);
  const time = t.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return t.toDateString() === now.toDateString() ? time : `${t.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })} ${time}`;
}

// Made at first use, not when the module loads: building them loads ICU's locale data, some
// 7 ms that would otherwise come before the cockpit's first paint, which shows no time.
let relativeFormat: Intl.RelativeTimeFormat | null = null;
let absoluteFormat: Intl.DateTimeFormat | null = null;
const relative = (): Intl.RelativeTimeFormat => (relativeFormat ??= new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' }));
const absolute = (): Intl.DateTimeFormat => (absoluteFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }));

/** "now", "5 min ago", "in 2 h", "3 days ago": the one relative form the UI shows. */
export function formatRelative(iso: string, now: Date): string {
  const s = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
  const a = Math.abs(s);
  if (a < 10) return relative().format(0, 'second');
  if (a < 60) return relative().format(s, 'second');
  if (a < 3600) return relative().format(Math.trunc(s / 60), 'minute');
  if (a < 86_400) return relative().format(Math.trunc(s / 3600), 'hour');
  return relative().format(Math.trunc(s / 86_400), 'day');
}

/** The full local date and time, for a hover title next to a relative time. */
export function formatAbsolute(iso: string): string {
  return absolute().format(new Date(iso));
}
