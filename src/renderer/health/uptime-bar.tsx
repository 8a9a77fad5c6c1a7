import type { HealthTimeline } from '../../shared/incidents';
import { formatClock } from '../ui/time-format';
import { bucketsOf, describeSpent, formatUptime } from './uptime-buckets';
import './health.css';

/**
 * MAIN's last 24 hours at a glance: one cell per quarter hour, coloured by the worst state
 * MAIN was in then (a hover says what happened, with times), and the share it was up.
 */
export function UptimeBar({ timeline, error }: { timeline: HealthTimeline | null; error: string | null }) {
  if (!timeline) {
    return (
      <p className="uptime-loading" data-testid="uptime-bar-loading">
        {error ? `MAIN's history cannot be read: ${error}` : "Reading MAIN's history…"}
      </p>
    );
  }
  const now = new Date(timeline.to);
  const buckets = bucketsOf(timeline);
  return (
    <div className="uptime" data-testid="uptime">
      <div className="uptime-top">
        <span className="muted">Last 24 h</span>
        <span className="uptime-percent" data-testid="uptime-share" title="Share of the watched time MAIN was not broken">
          {formatUptime(timeline.uptime)} up
        </span>
      </div>
      <div className="uptime-cells" data-testid="uptime-bar" role="img" aria-label={`MAIN's health over the last 24 hours: ${formatUptime(timeline.uptime)} up`}>
        {buckets.map((b) => (
          <span key={b.from} className="uptime-slot" data-state={b.state} title={`${formatClock(b.from, now)}–${formatClock(b.to, now)}: ${describeSpent(b)}`} />
        ))}
      </div>
      <div className="uptime-axis">
        <span>{formatClock(timeline.from, now)}</span>
        <span>now</span>
      </div>
    </div>
  );
}
