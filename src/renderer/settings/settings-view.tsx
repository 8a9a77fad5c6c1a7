import { useState } from 'react';
import { useHost } from '../connection/use-host';
import { HostStatusPanel } from '../status/host-status-panel';
import { applyTheme, readTheme, type ThemePreference } from '../theme/theme-preference';
import { KeyboardSettings } from './keyboard-settings';
import { SyncSettings } from './sync-settings';
import { TerminalSettings } from './terminal-settings';
import { useSyncStatus } from '../sync/use-sync-status';

/** Settings: appearance, sync with the team's shared MySQL, the terminal, keys, and the host this window talks to. */
export function SettingsView() {
  const host = useHost();
  const [theme, setTheme] = useState<ThemePreference>(() => readTheme(window.localStorage));
  // The Sync section grows once sync's state is read: the sections below it are scrolled to
  // (a route naming them) only then, or they would be pushed off screen right after.
  const syncStatus = useSyncStatus();
  const isLaidOut = syncStatus !== null;
  return (
    <section className="view settings-view" aria-label="Settings" data-testid="settings-view">
      <header className="view-header">
        <h2>Settings</h2>
      </header>
      <section className="settings-section" aria-labelledby="appearance-heading">
        <h3 id="appearance-heading">Appearance</h3>
        <fieldset className="theme-choice">
          <legend>Theme</legend>
          {(['system', 'dark', 'light'] as const).map((t) => (
            <label key={t}>
              <input
                type="radio"
                name="theme"
                value={t}
                checked={theme === t}
                onChange={() => {
                  setTheme(t);
                  applyTheme(t, document.documentElement, window.localStorage);
                }}
              />{' '}
              {t === 'system' ? 'Follow the system' : t === 'dark' ? 'Dark' : 'Light'}
            </label>
          ))}
        </fieldset>
      </section>
      <SyncSettings status={syncStatus} />
      <TerminalSettings isLaidOut={isLaidOut} />
      <KeyboardSettings isLaidOut={isLaidOut} />
      <section className="settings-section" aria-label="Host">
        <HostStatusPanel status={host.status} fetchedAt={host.statusFetchedAt} />
      </section>
    </section>
  );
}
