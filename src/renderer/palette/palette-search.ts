import type { PaletteCommand, PaletteGroup } from './palette-command';

/**
 * Commands the palette finds beyond the app's own list, as the query changes: a brief by its
 * number or its words. The app's list is built from what the cockpit holds; these are asked
 * of the host, so they come a little later and are never filtered again here (the host's
 * search reads more than a title: a spec's text, a trace).
 */
export interface PaletteSearch {
  /** What the query alone names, answered at once ("#12" opens brief 12): Enter right after typing finds it. */
  now(query: string): PaletteCommand[];
  /** What the host finds, asked once the typing pauses. A failure is answered as a disabled command that says so. */
  find(query: string): Promise<PaletteCommand[]>;
}

/** How long the typing must pause before the host is asked. */
export const SEARCH_PAUSE_MS = 120;

/**
 * The groups shown: the app's, then what the search names and found, each in the group it
 * names (an existing group takes them after its own). A command found twice (named by the
 * query and found by the host) shows once, as found: the host's has the title.
 */
export function withFound(groups: readonly PaletteGroup[], named: readonly PaletteCommand[], found: readonly PaletteCommand[]): PaletteGroup[] {
  const foundIds = new Set(found.map((c) => c.id));
  const extra = [...named.filter((c) => !foundIds.has(c.id)), ...found];
  const shownIds = new Set(groups.flatMap((g) => g.commands.map((c) => c.id)));
  const out = groups.map((g) => ({ heading: g.heading, commands: [...g.commands] }));
  for (const command of extra) {
    if (shownIds.has(command.id)) continue;
    shownIds.add(command.id);
    const group = out.find((g) => g.heading === command.group);
    if (group) group.commands.push(command);
    else out.push({ heading: command.group, commands: [command] });
  }
  return out;
}
