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
 * The groups shown. What the query names comes first, so Enter runs it: "12" opens brief 12,
 * not the first command whose words hold a 12 ("Pause notifications for 1 hour" for "1").
 * Then the app's groups, then what the host found, each in the group it names (an existing
 * group takes them after its own). A command both named and found shows once, where the
 * named one is, with the found one's title (the host's has the brief's). A search names its
 * commands in a group of their own, so no heading shows twice.
 */
export function withFound(groups: readonly PaletteGroup[], named: readonly PaletteCommand[], found: readonly PaletteCommand[]): PaletteGroup[] {
  const foundById = new Map(found.map((c) => [c.id, c]));
  const out: PaletteGroup[] = [];
  const shownIds = new Set<string>();
  const place = (command: PaletteCommand): void => {
    if (shownIds.has(command.id)) return;
    shownIds.add(command.id);
    const group = out.find((g) => g.heading === command.group);
    if (group) group.commands.push(command);
    else out.push({ heading: command.group, commands: [command] });
  };
  for (const command of named) {
    const asFound = foundById.get(command.id);
    place(asFound ? { ...asFound, group: command.group } : command);
  }
  // The app's own commands keep their groups and order; one a named command shows already is left out.
  for (const g of groups) {
    const commands = g.commands.filter((c) => !shownIds.has(c.id));
    for (const c of commands) shownIds.add(c.id);
    if (commands.length > 0) out.push({ heading: g.heading, commands });
  }
  for (const command of found) place(command);
  return out;
}
