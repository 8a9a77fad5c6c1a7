import * as RadixDialog from '@radix-ui/react-dialog';
import { Command } from 'cmdk';
import { useEffect, useRef, useState } from 'react';
import { filterPaletteCommands, type PaletteCommand } from './palette-command';
import { SEARCH_PAUSE_MS, withFound, type PaletteSearch } from './palette-search';
import './palette.css';

/**
 * The command palette (Mod+Shift+P): a search field over every command the app offers,
 * grouped in the order given. Arrow keys move, Enter runs, Escape closes and gives the focus
 * back to where it was (a terminal, usually). Disabled commands stay listed with the reason.
 * With a `search`, what the host finds for the query (briefs) is listed too, once it answers.
 */
export function CommandPalette({ open, onOpenChange, commands, search }: { open: boolean; onOpenChange: (open: boolean) => void; commands: readonly PaletteCommand[]; search?: PaletteSearch }) {
  const [query, setQuery] = useState('');
  const found = useFound(search, query);
  // Where the focus was when the palette opened (a terminal, usually), to give it back on
  // close; read while rendering the opening, before the dialog moves the focus.
  const returnTo = useRef<HTMLElement | null>(null);
  const wasOpen = useRef(false);
  if (open && !wasOpen.current && document.activeElement instanceof HTMLElement) returnTo.current = document.activeElement;
  wasOpen.current = open;
  const groups = withFound(filterPaletteCommands(commands, query), search?.now(query) ?? [], found);
  // The highlighted command is ours, decided in the same render as the list: the first one
  // that can run once the query changes, until the arrow keys move it. Left to cmdk, it is
  // settled a few renders after the list, and an Enter pressed right after typing (pasted
  // text, a fast hand) could find nothing highlighted and do nothing.
  const [picked, setPicked] = useState('');
  const shown = groups.flatMap((g) => g.commands);
  const highlighted = shown.some((c) => c.id === picked) ? picked : (shown.find((c) => !c.disabled) ?? shown[0])?.id ?? '';
  const close = (): void => {
    onOpenChange(false);
    setQuery('');
    setPicked('');
  };
  const runCommand = (command: PaletteCommand | undefined): void => {
    if (!command || command.disabled) return;
    close();
    command.run();
  };
  return (
    <RadixDialog.Root open={open} onOpenChange={(next) => (next ? onOpenChange(true) : close())}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="palette-overlay" />
        <RadixDialog.Content
          className="palette"
          data-testid="command-palette"
          aria-describedby={undefined}
          onCloseAutoFocus={(event) => {
            // A command that moved the focus (to another terminal) keeps it; otherwise back.
            const target = returnTo.current;
            returnTo.current = null;
            if (target?.isConnected && (document.activeElement === document.body || document.activeElement === null)) {
              event.preventDefault();
              target.focus();
            }
          }}
        >
          <RadixDialog.Title className="visually-hidden">Command palette</RadixDialog.Title>
          {/* Our own filter keeps the given order; cmdk's vim keys (Ctrl+N/J/P/K) stay off. */}
          <Command
            label="Command palette"
            shouldFilter={false}
            loop
            vimBindings={false}
            value={highlighted}
            onValueChange={setPicked}
            onKeyDown={(event) => {
              // Enter runs the command highlighted by this render, not the one cmdk finds by
              // its DOM's aria-selected: an item that just appeared (a brief the query named)
              // is marked only once preact/compat's store subscription, an effect, has run
              // after the next frame, and an Enter before it did nothing.
              if (event.key !== 'Enter' || event.nativeEvent.isComposing || event.keyCode === 229) return;
              event.preventDefault();
              runCommand(shown.find((c) => c.id === highlighted));
            }}
          >
            <Command.Input
              className="palette-input"
              placeholder="Type a command, a lane, an agent or a brief"
              value={query}
              onValueChange={(q) => {
                setQuery(q);
                setPicked('');
              }}
              aria-label="Command"
            />
            <Command.List className="palette-list">
              <Command.Empty className="palette-empty">No command matches “{query}”.</Command.Empty>
              {groups.map((group, i) => (
                <Command.Group key={`${i}:${group.heading}`} heading={group.heading} className="palette-group">
                  {group.commands.map((command) => (
                    <Command.Item
                      key={command.id}
                      value={command.id}
                      disabled={command.disabled}
                      className="palette-item"
                      data-testid="palette-item"
                      data-command={command.id}
                      onSelect={() => runCommand(command)}
                    >
                      <span className="palette-item-title">{command.title}</span>
                      {command.disabled && command.hint && <span className="palette-item-hint">{command.hint}</span>}
                      {!command.disabled && command.detail && <span className="palette-item-hint">{command.detail}</span>}
                      {command.shortcut && <kbd className="palette-item-shortcut">{command.shortcut}</kbd>}
                    </Command.Item>
                  ))}
                </Command.Group>
              ))}
            </Command.List>
          </Command>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

/**
 * What `search` found for the query shown, asked once the typing pauses. An answer to an
 * older query is dropped (the host may answer out of order), and what was found for one
 * query is not shown under another.
 */
function useFound(search: PaletteSearch | undefined, query: string): readonly PaletteCommand[] {
  const [found, setFound] = useState<{ query: string; commands: readonly PaletteCommand[] } | null>(null);
  useEffect(() => {
    if (!search) return;
    let current = true;
    const timer = setTimeout(() => {
      void search.find(query).then((commands) => {
        if (current) setFound({ query, commands });
      });
    }, SEARCH_PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [search, query]);
  return found?.query === query ? found.commands : NONE;
}

const NONE: readonly PaletteCommand[] = [];
