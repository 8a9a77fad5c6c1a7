/**
 * An ephemeral lane's name for a brief: `brief-N-slug`, the slug from its title in lower-case
 * ASCII words, short enough that the worktree's folder and branch stay readable.
 */
export function ephemeralLaneName(number: number, title: string): string {
  const slug = titleSlug(title);
  return slug ? `brief-${number}-${slug}` : `brief-${number}`;
}

function titleSlug(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32)
    .replace(/-+$/g, '');
}

/**
 * Whether `name` is the ephemeral lane name made from `title`, under any number (the brief may
 * have been renumbered since). False when the title gives no words to the name: then nothing
 * of it is in the name.
 */
export function isLaneNamedFrom(name: string, title: string): boolean {
  const slug = titleSlug(title);
  return slug !== '' && laneSlug(name) === slug;
}

/** The title's words an ephemeral lane name carries (`brief-12-fix-login` → `fix-login`), or null. */
export function laneSlug(name: string): string | null {
  return /^brief-\d+-(.+)$/.exec(name)?.[1] ?? null;
}

/** How a `dispatch requested` entry names a lane still to be made: `new ephemeral lane brief-N-slug`. */
export const NEW_EPHEMERAL_LANE = 'new ephemeral lane';

export function ephemeralTarget(name: string): string {
  return `${NEW_EPHEMERAL_LANE} ${name}`;
}

/** The lane name in a request's target for a lane still to be made; null for a standing lane's name. */
export function ephemeralNameOf(target: string): string | null {
  return target.startsWith(`${NEW_EPHEMERAL_LANE} `) ? target.slice(NEW_EPHEMERAL_LANE.length + 1) : null;
}
