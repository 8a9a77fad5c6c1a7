import type { BriefStatusName } from '../../../shared/brief-constants';
import type { LinkType } from '../../../shared/briefs';
import { blockedByText } from './brief-readiness';
import { PROVISIONAL_TITLE } from '../brief-labels';
import type { BriefNode, NodeRole } from './graph-model';

/**
 * The words the graphs put on and behind their nodes: the short line drawn in the box, and
 * the full sentence a screen reader reads and a tooltip shows. Plain functions, so what a
 * node says is tested without a DOM.
 */
const STATUS_WORDS: Record<BriefStatusName, string> = {
  draft: 'draft',
  planned: 'planned',
  in_progress: 'in progress',
  in_review: 'in review',
  done: 'done',
  cancelled: 'cancelled',
};
export const statusWord = (s: BriefStatusName): string => STATUS_WORDS[s];

/** Cut to `max` characters at a word where one is near, with an ellipsis. */
export function truncate(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const ROLE_WORDS: Record<NodeRole, string | null> = {
  focus: 'this brief',
  epic: 'its epic',
  sibling: 'sibling',
  child: 'child',
  dependency: 'needed first',
  dependant: 'waits on this brief',
  linked: 'linked',
  member: null,
};

/** The node's bottom line: what to do about it. */
export function footOf(node: BriefNode): string {
  if (node.progress) return `${node.progress.done} of ${node.progress.total} done`;
  switch (node.readiness.kind) {
    case 'dispatchable':
      return 'ready to dispatch';
    case 'blocked':
      return blockedByText(node.readiness.by);
    case 'draft':
      return 'draft: plan it first';
    case 'underway':
    case 'epic':
      return '';
  }
}

/** Everything the node stands for, in one sentence: the accessible name and the tooltip. */
export function describeNode(node: BriefNode): string {
  const b = node.brief;
  const parts = [`#${b.number} ${b.title}`, node.progress ? `epic, ${statusWord(b.status)}` : statusWord(b.status)];
  if (b.numberProvisional) parts.push(PROVISIONAL_TITLE);
  const role = ROLE_WORDS[node.role];
  if (role) parts.push(role);
  const foot = footOf(node);
  if (foot) parts.push(foot);
  if (node.waitsOn.length > 1) parts.push(`waits on ${node.waitsOn.map((n) => `#${n}`).join(' → ')}`);
  return parts.join(', ');
}

const LINK_WORDS: Record<LinkType, string> = {
  brief: 'brief',
  lane: 'lane',
  agent_run: 'agent run',
  merge: 'merge',
  incident: 'incident',
  commit: 'commit',
  url: 'link',
};
export const linkWord = (t: LinkType): string => LINK_WORDS[t];
