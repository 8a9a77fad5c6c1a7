import { GitCommitHorizontal, GitMerge, GitBranch, Link2, Lock, Play, Siren, Bot, FileText, type LucideIcon } from 'lucide-react';
import { memo, type MouseEvent } from 'react';
import type { LinkType } from '../../../shared/briefs';
import { STATUS_ICON } from './brief-status-look';
import type { Box } from './graph-layout';
import type { BriefNode, LinkNode } from './graph-model';
import { describeNode, footOf, linkWord, statusWord, truncate } from './graph-text';

/**
 * The graphs' nodes, drawn in SVG: a brief is a link (to `#/brief/<n>`, which a click hands
 * to `onOpen` so the page decides how to open it) with its number, status icon and word,
 * its title cut to fit (the whole title in its tooltip and accessible name), and a bottom
 * line: "ready to dispatch", "blocked by #3", or an epic's progress bar.
 */

/** Characters of title a node's width holds at 13px. */
const TITLE_CHARS = 29;

export const briefHref = (number: number): string => `#/brief/${number}`;

function openHandler(number: number, onOpen: (n: number) => void) {
  return (e: MouseEvent): void => {
    // A modified click (new tab, new window) keeps the browser's own meaning.
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || e.button !== 0) return;
    e.preventDefault();
    onOpen(number);
  };
}

const boxAttr = (b: Box): string => `${b.x} ${b.y} ${b.width} ${b.height}`;

function ProgressBar({ x, y, width, done, total }: { x: number; y: number; width: number; done: number; total: number }) {
  const share = total === 0 ? 0 : done / total;
  return (
    <g aria-hidden>
      <rect className="bg-progress-track" x={x} y={y} width={width} height={8} rx={4} />
      {share > 0 && <rect className="bg-progress-fill" x={x} y={y} width={Math.max(8, width * share)} height={8} rx={4} />}
    </g>
  );
}

/** Memoised: pointing at one node re-renders it and its neighbours' edges, not all 200 nodes. */
export const BriefNodeView = memo(function BriefNodeView({ node, box, onOpen, lit, onHover }: { node: BriefNode; box: Box; onOpen: (n: number) => void; lit?: boolean; onHover?: (id: string | null) => void }) {
  const b = node.brief;
  const Icon = STATUS_ICON[b.status];
  const foot = footOf(node);
  const ready = node.readiness.kind === 'dispatchable';
  const blocked = node.readiness.kind === 'blocked';
  const label = describeNode(node);
  const cls = ['bg-node', `bg-status-${b.status}`, ready ? 'ready' : '', node.role === 'focus' ? 'focus' : '', node.progress ? 'epic' : '', lit ? 'lit' : ''].filter(Boolean).join(' ');
  return (
    <a
      href={briefHref(b.number)}
      className={cls}
      aria-label={label}
      data-testid="graph-node"
      data-number={b.number}
      data-status={b.status}
      data-readiness={node.readiness.kind}
      data-box={boxAttr(box)}
      onClick={openHandler(b.number, onOpen)}
      onMouseEnter={() => onHover?.(node.id)}
      onMouseLeave={() => onHover?.(null)}
      onFocus={() => onHover?.(node.id)}
      onBlur={() => onHover?.(null)}
    >
      <title>{label}</title>
      <g transform={`translate(${box.x} ${box.y})`}>
        <rect className="box" width={box.width} height={box.height} rx={6} />
        <rect className="stripe" width={5} height={box.height} rx={2} />
        <Icon className="icon" x={12} y={7} width={14} height={14} aria-hidden />
        <text className="meta" x={31} y={18}>
          #{b.number}{b.numberProvisional ? '~' : ''} · <tspan className="word">{node.progress ? `epic · ${statusWord(b.status)}` : statusWord(b.status)}</tspan>
        </text>
        <text className="title" x={12} y={node.progress ? 36 : 38}>{truncate(b.title, node.progress && box.width > 300 ? 60 : TITLE_CHARS)}</text>
        {ready && (
          <g className="ready-pill" aria-hidden>
            <rect x={box.width - 62} y={6} width={56} height={17} rx={8} />
            <text x={box.width - 34} y={18} textAnchor="middle">ready</text>
          </g>
        )}
        {node.progress ? (
          <>
            <ProgressBar x={12} y={box.height - 14} width={box.width - 120} done={node.progress.done} total={node.progress.total} />
            <text className="foot" x={box.width - 100} y={box.height - 7}>{foot}</text>
          </>
        ) : (
          foot && (
            <>
              {ready && <Play className="foot-icon ready" x={12} y={box.height - 19} width={12} height={12} aria-hidden />}
              {blocked && <Lock className="foot-icon" x={12} y={box.height - 19} width={12} height={12} aria-hidden />}
              <text className={`foot${ready ? ' ready' : ''}`} x={ready || blocked ? 28 : 12} y={box.height - 9}>{truncate(foot, 30)}</text>
            </>
          )
        )}
        <rect className="ring" x={-3} y={-3} width={box.width + 6} height={box.height + 6} rx={8} />
      </g>
    </a>
  );
});

const LINK_ICON: Record<LinkType, LucideIcon> = {
  brief: FileText,
  lane: GitBranch,
  agent_run: Bot,
  merge: GitMerge,
  incident: Siren,
  commit: GitCommitHorizontal,
  url: Link2,
};

/** A link to something that is not a brief: what it is and where, not a way to open it (the brief page lists them). */
export function LinkNodeView({ node, box }: { node: LinkNode; box: Box }) {
  const Icon = LINK_ICON[node.link.type];
  const text = node.link.label ?? node.link.target;
  return (
    <g className="bg-link" data-testid="graph-link-node" data-link-type={node.link.type} transform={`translate(${box.x} ${box.y})`}>
      <title>{`${linkWord(node.link.type)}: ${node.link.target}${node.link.label ? ` (${node.link.label})` : ''}`}</title>
      <rect className="box" width={box.width} height={box.height} rx={6} />
      <Icon className="icon" x={10} y={7} width={13} height={13} aria-hidden />
      <text className="meta" x={28} y={17}>{linkWord(node.link.type)}</text>
      <text className="title" x={10} y={35}>{truncate(text, 30)}</text>
    </g>
  );
}
