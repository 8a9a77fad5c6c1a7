import { useMemo, useState } from 'react';
import { commandShortcut } from '../keyboard/chord-display';
import { COMMAND_IDS } from '../keyboard/shortcut-registry';
import { useResolvedShortcuts } from '../keyboard/shortcut-store';
import { useShortcuts, type ShortcutHandlers } from '../keyboard/use-shortcuts';
import { cockpitCommands, type CockpitActions, type CommandContext } from './cockpit-commands';
import { useBriefPageItems } from '../briefs/brief-page-items';
import { useNotifyPermission } from '../notifications/notify-permission';
import { permissionPromptOf } from '../notifications/web-notification-policy';
import { shellBridge } from '../shell/shell-bridge';
import { LazyPart, lazyPart } from '../ui/lazy-part';
import type { PaletteSearch } from '../palette/palette-search';

// The palette (cmdk) and the shortcut list load the first time they open.
const CommandPalette = lazyPart(() => import('../palette/command-palette'), (m) => m.CommandPalette);
const ShortcutsDialog = lazyPart(() => import('../palette/shortcuts-dialog'), (m) => m.ShortcutsDialog);

/** The display string of each app shortcut as bound now (the user's bindings, this platform's keys). */
export function useShortcutLabels(): Partial<Record<string, string>> {
  const resolved = useResolvedShortcuts();
  return useMemo(() => Object.fromEntries(COMMAND_IDS.map((id) => [id, commandShortcut(resolved, id)])), [resolved]);
}

/**
 * The keyboard's way into the cockpit: the app shortcuts (one registry, see
 * src/renderer/keyboard) and the command palette listing every action. The palette's
 * commands and the shortcuts call the same cockpit actions as the buttons do.
 */
export function CommandLayer({
  context,
  actions,
  handlers,
  isPaletteOpen,
  onPaletteOpenChange,
  onPaletteToggle,
  isShortcutListOpen,
  onShortcutListOpenChange,
  search,
}: {
  context: Omit<CommandContext, 'shortcuts' | PaletteOwn>;
  actions: CockpitActions;
  handlers: ShortcutHandlers;
  isPaletteOpen: boolean;
  onPaletteOpenChange: (open: boolean) => void;
  /** Opens a closed palette, closes an open one, by the state as it is (not as last rendered). */
  onPaletteToggle: () => void;
  isShortcutListOpen: boolean;
  onShortcutListOpenChange: (open: boolean) => void;
  /** What the palette asks the host for as the query changes (briefs). */
  search?: PaletteSearch;
}) {
  const shortcuts = useShortcutLabels();
  useShortcuts({
    ...handlers,
    // Not `!isPaletteOpen`: a key pressed before the render that closed the palette has run
    // (a command that moves the cockpit makes a long one) read it still open, and did nothing.
    'palette.open': onPaletteToggle,
    'shortcuts.show': () => onShortcutListOpenChange(true),
  });
  return (
    <LazyPart fallback={null}>
      {isPaletteOpen && <OpenPalette context={{ ...context, shortcuts }} actions={actions} onOpenChange={onPaletteOpenChange} search={search} />}
      {isShortcutListOpen && <ShortcutsDialog open onOpenChange={onShortcutListOpenChange} />}
    </LazyPart>
  );
}

/** What only the open palette reads (the brief page's items, key and notification settings). */
type PaletteOwn = 'briefItems' | 'sendEveryKey' | 'canAskNotify';

/**
 * The palette while it is open: its commands are built then (and as what they name changes),
 * not on every agent event, and what only it needs is read only then, so a brief's events
 * re-render the page, not the whole cockpit.
 */
function OpenPalette({ context, actions, onOpenChange, search }: { context: Omit<CommandContext, PaletteOwn>; actions: CockpitActions; onOpenChange: (open: boolean) => void; search?: PaletteSearch }) {
  const briefItems = useBriefPageItems();
  const { sendEveryKey } = useResolvedShortcuts();
  const canAskNotify = permissionPromptOf({ hasShell: shellBridge() !== undefined, permission: useNotifyPermission(), isDismissed: false }) === 'ask';
  return <CommandPalette open onOpenChange={onOpenChange} commands={cockpitCommands({ ...context, briefItems, sendEveryKey, canAskNotify }, actions)} search={search} />;
}

/** Only one of the palette and the list is open at once. */
export function usePaletteState(): { palette: boolean; list: boolean; setPalette: (o: boolean) => void; togglePalette: () => void; setList: (o: boolean) => void } {
  const [palette, setPaletteRaw] = useState(false);
  const [list, setListRaw] = useState(false);
  return {
    palette,
    list,
    setPalette: (o) => {
      setPaletteRaw(o);
      if (o) setListRaw(false);
    },
    togglePalette: () =>
      setPaletteRaw((open) => {
        if (!open) setListRaw(false);
        return !open;
      }),
    setList: (o) => {
      setListRaw(o);
      if (o) setPaletteRaw(false);
    },
  };
}
