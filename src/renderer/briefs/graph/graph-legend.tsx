import { Lock, Play } from 'lucide-react';
import { BRIEF_STATUSES } from '../../../shared/brief-constants';
import { STATUS_ICON } from './brief-status-look';
import { statusWord } from './graph-text';

type EdgeKind = 'dependency' | 'child' | 'link';
const EDGE_WORDS: Record<EdgeKind, string> = { dependency: 'needed before', child: 'epic to child', link: 'linked' };

/** What the colours, marks and lines mean: each colour beside its icon and word, never colour alone. */
export function GraphLegend({ edges, prefix }: { edges: readonly EdgeKind[]; prefix: string }) {
  return (
    <ul className="brief-graph-legend" aria-label="Legend" data-testid="graph-legend">
      {BRIEF_STATUSES.map((s) => {
        const Icon = STATUS_ICON[s];
        return (
          <li key={s} className={`bg-status-${s}`}>
            <span className="swatch">
              <Icon size={13} aria-hidden />
              <span>{statusWord(s)}</span>
            </span>
          </li>
        );
      })}
      <li className="legend-ready">
        <Play size={12} aria-hidden style={{ color: 'var(--ok)' }} /> <strong>ready to dispatch</strong> (planned, every dependency done)
      </li>
      <li>
        <Lock size={12} aria-hidden /> blocked by #N
      </li>
      {edges.map((kind) => (
        <li key={kind}>
          <EdgeSample kind={kind} prefix={prefix} /> {EDGE_WORDS[kind]}
        </li>
      ))}
    </ul>
  );
}

function EdgeSample({ kind, prefix }: { kind: EdgeKind; prefix: string }) {
  return (
    <svg className="edge-sample" width={30} height={10} aria-hidden>
      <path className={`bg-edge ${kind}`} d="M1 5 L24 5" markerEnd={`url(#${prefix}-plain)`} />
    </svg>
  );
}
