/**
 * One entry of the command palette. The app builds the list from its state (lanes, agents,
 * repositories); the palette only shows, filters and runs it.
 */
export interface PaletteCommand {
  id: string;
  title: string;
  /** Heading it is listed under; groups appear in the order their first command comes. */
  group: string;
  /** Other words it is found by ("jump", the lane's branch, the agent's preset...). */
  keywords?: string[];
  /** The key that runs it too, as shown (see displayBinding). */
  shortcut?: string;
  run: () => void;
  /** Listed but not runnable... */
  disabled?: boolean;
  /** ...and why ("the lane has no commits to merge"). */
  hint?: string;
  /** What it is, shown beside its title when it can run (a brief's kind and status). */
  detail?: string;
  /**
   * One of a long list (a trace's entries) that would bury the rest: listed only once a query
   * finds it in these words alone (not its group's or the heading's, nor the brief's number,
   * which find the rest of the list).
   */
  onlyFoundBy?: string;
}

export interface PaletteGroup {
  heading: string;
  commands: PaletteCommand[];
}

/**
 * The commands a query finds, grouped, in the order given (the app puts waiting agents
 * first; a score-sorted list would undo that). Every word of the query must appear in the
 * title, the group or a keyword, in any case; for an `onlyFoundBy` command, in those words.
 */
export function filterPaletteCommands(commands: readonly PaletteCommand[], query: string): PaletteGroup[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const groups = new Map<string, PaletteCommand[]>();
  for (const command of commands) {
    const text = (command.onlyFoundBy ?? [command.title, command.group, ...(command.keywords ?? [])].join(' ')).toLowerCase();
    if ((command.onlyFoundBy !== undefined && words.length === 0) || !words.every((w) => text.includes(w))) continue;
    const list = groups.get(command.group) ?? [];
    list.push(command);
    groups.set(command.group, list);
  }
  return [...groups].map(([heading, list]) => ({ heading, commands: list }));
}
