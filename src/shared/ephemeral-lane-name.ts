/**
 * An ephemeral lane's name for a brief: `brief-N-slug`, the slug from its title in lower-case
 * ASCII words, short enough that the worktree's folder and branch stay readable.
 */
export function ephemeralLaneName(number: number, title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32)
    .replace(/-+$/g, '');
  return slug ? `brief-${number}-${slug}` : `brief-${number}`;
}
