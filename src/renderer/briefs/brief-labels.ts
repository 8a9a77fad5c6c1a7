import type { BriefStatusName } from '../../shared/brief-constants';
import type { Actor } from '../../shared/briefs';

/** How the UI words a status: "in progress", as the seed reads. */
export function statusLabel(status: BriefStatusName): string {
  return status.replace('_', ' ');
}

/** An entry's author as the trace shows it: "operator · operator:mike", "agent · flower-orchestrator". */
export function actorLabel(actor: Actor): string {
  return `${actor.kind} · ${actor.name}`;
}

/** What a provisional number's marker says, to a pointer (title) and to a screen reader alike (docs/sync.md, Brief numbers). */
export const PROVISIONAL_TITLE = 'provisional: the shared store numbers it at its first push';

/** `#12`: how a brief is named in text, links and the CLI. */
export function briefRef(number: number): string {
  return `#${number}`;
}

/** "#12 The login page": how a brief is named in one line (the palette, a relationship's label). */
export function briefName(b: { number: number; title: string }): string {
  return `${briefRef(b.number)} ${b.title}`;
}
