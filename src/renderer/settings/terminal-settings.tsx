import { useState } from 'react';
import { DEFAULT_TERMINAL_SETTINGS, TERMINAL_FONT_SIZE, terminalSettingsStore, useTerminalSettings } from '../terminals/terminal-settings-store';
import './preferences.css';

/** Terminal font family and size; open terminals take a change at once. */
export function TerminalSettings() {
  const settings = useTerminalSettings();
  const store = terminalSettingsStore();
  const [family, setFamily] = useState(settings.fontFamily);
  const commitFamily = (): void => {
    const value = family.trim();
    if (value === '') setFamily(settings.fontFamily);
    else if (value !== settings.fontFamily) store.update({ fontFamily: value });
  };
  return (
    <section className="pref-section" aria-labelledby="terminal-settings-title" data-testid="terminal-settings">
      <h3 id="terminal-settings-title">Terminal</h3>
      <label className="pref-field">
        Font family
        <input
          value={family}
          onChange={(e) => setFamily(e.target.value)}
          onBlur={commitFamily}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commitFamily();
          }}
        />
      </label>
      <label className="pref-field">
        Font size
        <input
          type="number"
          min={TERMINAL_FONT_SIZE.min}
          max={TERMINAL_FONT_SIZE.max}
          value={settings.fontSize}
          onChange={(e) => {
            const size = Number(e.target.value);
            if (Number.isInteger(size) && size >= TERMINAL_FONT_SIZE.min && size <= TERMINAL_FONT_SIZE.max) store.update({ fontSize: size });
          }}
        />
      </label>
      <button
        type="button"
        onClick={() => {
          store.update(DEFAULT_TERMINAL_SETTINGS);
          setFamily(DEFAULT_TERMINAL_SETTINGS.fontFamily);
        }}
      >
        Reset to defaults
      </button>
    </section>
  );
}
