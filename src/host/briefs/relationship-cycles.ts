/**
 * Would the edge `from → to` close a loop? It does when `from` is reachable from `to`
 * along `next`; the answer is the loop itself, from `from` back to it (e.g. #3 → #5 → #3),
 * so the refusal can name it. Depth-first, each brief visited once.
 */
export function findCycle(from: string, to: string, next: (id: string) => readonly string[]): string[] | null {
  const seen = new Set<string>();
  const walk = (id: string, path: string[]): string[] | null => {
    if (id === from) return [...path, id];
    if (seen.has(id)) return null;
    seen.add(id);
    for (const n of next(id)) {
      const found = walk(n, [...path, id]);
      if (found) return found;
    }
    return null;
  };
  return walk(to, [from]);
}
