import { Cockpit } from './cockpit/cockpit';
import { useHostStore } from './connection/use-host';
import { useHost } from './connection/use-host';
import { useRouteStore } from './navigation/use-route-focus';
import { useRouteFollowing } from './navigation/use-route-following';
import { usePageBadge } from './notifications/use-page-badge';
import { useWebNotifications } from './notifications/use-web-notifications';
import { useState } from 'react';
import { useShortcuts } from './keyboard/use-shortcuts';
import { CommandPalette } from './palette/command-palette';
import { ShortcutsDialog } from './palette/shortcuts-dialog';

/** The page: the cockpit, with the page's badge, routes and web notifications wired to the host. */
export function App() {
  const store = useHostStore();
  const routes = useRouteStore();
  const host = useHost();
  usePageBadge(host.agents, host.health);
  useRouteFollowing(routes);
  useWebNotifications(store, routes);
  // Temporary (f/keys): the palette and the shortcut list mounted until the lead wires them into the cockpit.
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  useShortcuts({ 'palette.open': () => setPaletteOpen((o) => !o), 'shortcuts.show': () => setShortcutsOpen(true) });
  return (
    <>
      <Cockpit />
      <CommandPalette open={paletteOpen} onOpenChange={setPaletteOpen} commands={[{ id: 'shortcuts.show', title: 'Show keyboard shortcuts', group: 'Help', run: () => setShortcutsOpen(true) }]} />
      <ShortcutsDialog open={shortcutsOpen} onOpenChange={setShortcutsOpen} />
    </>
  );
}
