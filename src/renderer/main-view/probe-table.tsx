import { CheckCircle2, ChevronRight, CircleDashed, XCircle } from 'lucide-react';
import { useState } from 'react';
import type { ProbeHealth } from '../../shared/health';
import { OutputTail } from '../health/output-tail';
import { TimeAgo } from '../ui/time-ago';
import { formatDuration } from '../ui/time-format';
import { describeProbeState } from './probe-labels';
import './main-view.css';

/**
 * MAIN's probes, one row each: state (icon and word), failures in a row, the last run and
 * how long it took, and its output a click away. A probe whose last run failed shows its
 * output at once, unless the open incident (below) already shows it: one failure, one box.
 */
export function ProbeTable({ probes, outputShownElsewhere }: { probes: readonly ProbeHealth[]; outputShownElsewhere: ReadonlySet<string> }) {
  return (
    <table className="probe-table" data-testid="probes">
      <thead>
        <tr>
          <th scope="col">Probe</th>
          <th scope="col">State</th>
          <th scope="col">Failures in a row</th>
          <th scope="col">Last run</th>
          <th scope="col">Took</th>
          <th scope="col">
            <span className="visually-hidden">Output</span>
          </th>
        </tr>
      </thead>
      {probes.map((p) => (
        <ProbeRow key={p.name} probe={p} isOutputElsewhere={outputShownElsewhere.has(p.name)} />
      ))}
    </table>
  );
}

const ICON: Record<ProbeHealth['state'], typeof CheckCircle2> = { passing: CheckCircle2, failing: XCircle, unknown: CircleDashed };

function ProbeRow({ probe, isOutputElsewhere }: { probe: ProbeHealth; isOutputElsewhere: boolean }) {
  const last = probe.last;
  const hasFailed = last !== null && !last.ok;
  const [isOpen, setOpen] = useState<boolean | null>(null);
  const isShown = isOpen ?? (hasFailed && !isOutputElsewhere);
  const { word, tone } = describeProbeState(probe);
  const Icon = ICON[probe.state];
  const outputId = `probe-output-${probe.name}`;
  return (
    <tbody className="probe-row" data-testid="probe" data-probe={probe.name} data-state={probe.state}>
      <tr>
        <th scope="row" data-label="Probe">
          {probe.name}
        </th>
        <td data-label="State">
          <span className={`state-pill ${tone}`} data-testid="probe-state">
            <Icon size={14} aria-hidden /> {word}
          </span>
          {last && <span className="probe-detail">{last.detail}</span>}
        </td>
        <td data-label="Failures in a row" className="probe-num">
          {probe.consecutiveFailures}
        </td>
        <td data-label="Last run">{last ? <TimeAgo at={last.at} /> : <span className="muted">never</span>}</td>
        <td data-label="Took" className="probe-num">
          {last ? formatTook(last.durationMs) : '—'}
        </td>
        <td className="probe-toggle-cell">
          <button
            type="button"
            className="icon-button probe-toggle"
            aria-expanded={isShown}
            aria-controls={outputId}
            disabled={!last?.outputTail}
            onClick={() => setOpen(!isShown)}
          >
            <ChevronRight size={14} aria-hidden className="chevron" />
            {isShown ? 'Hide output' : 'Output'}
          </button>
        </td>
      </tr>
      {isShown && last?.outputTail && (
        <tr className="probe-output-row">
          <td colSpan={6} id={outputId}>
            <OutputTail text={last.outputTail} label={`Output of ${probe.name}'s last run`} testId="probe-output" />
          </td>
        </tr>
      )}
    </tbody>
  );
}

/** Probes are quick: "340 ms" under a second, then the usual "12 s". */
function formatTook(ms: number): string {
  return ms < 1000 ? `${ms} ms` : formatDuration(ms);
}
