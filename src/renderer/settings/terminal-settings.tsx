import { useEffect, useState } from 'react';
import { DEFAULT_TERMINAL_SETTINGS, MAX_FONT_FAMILY, TERMINAL_FONT_SIZE, terminalSettingsStore, useTerminalSettings } from '../terminals/terminal-settings-store';
import './preferences.css';
import { useSectionArrival } from './use-section-arrival';

/** Terminal font family and size; open terminals take a change at once. */
export function TerminalSettings({ isLaidOut = true }: { isLaidOut?: boolean }) {
  const settings = useTerminalSettings();
  const { sectionRef, headingRef } = useSectionArrival('terminal', isLaidOut);
  const store = terminalSettingsStore();
  const [family, setFamily] = useState(settings.fontFamily);
  // Another tab's change (or Reset) shows here too, so leaving the field never writes an old one back.
  useEffect(() => setFamily(settings.fontFamily), [settings.fontFamily]);
  // What is typed in the size field; a size out of range is said, not silently ignored.
  const [sizeText, setSizeText] = useState<string | null>(null);
  const sizeInvalid = sizeText !== null;
  const commitFamily = (): void => {
    const value = family.trim();
    if (value === '') setFamily(settings.fontFamily);
    else if (value !== settings.fontFamily) store.update({ fontFamily: value });
  };
  return (
    <section className="pref-section" aria-labelledby="terminal-settings-title" data-testid="terminal-settings" ref={sectionRef}>
      <h3 id="terminal-settings-title" ref={headingRef} tabIndex={-1}>
        Terminal
      </h3>
      <label className="pref-field">
        Font family
        <input
          value={family}
          maxLength={MAX_FONT_FAMILY}
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
          value={sizeText ?? settings.fontSize}
          aria-invalid={sizeInvalid || undefined}
          aria-describedby={sizeInvalid ? 'terminal-font-size-error' : undefined}
          onChange={(e) => {
            const size = Number(e.target.value);
            if (Number.isInteger(size) && size >= TERMINAL_FONT_SIZE.min && size <= TERMINAL_FONT_SIZE.max) {
              setSizeText(null);
              store.update({ fontSize: size });
            } else setSizeText(e.target.value);
          }}
          onBlur={() => setSizeText(null)}
        />
      </label>
      {sizeInvalid && (
        <p className="pref-error" id="terminal-font-size-error" role="alert">
          A whole number from {TERMINAL_FONT_SIZE.min} to {TERMINAL_FONT_SIZE.max}; the terminals keep {settings.fontSize} until then.
        </p>
      )}
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
