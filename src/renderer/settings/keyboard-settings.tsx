import { RotateCcw, X } from 'lucide-react';
import { useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { bindingKeys, displayBinding } from '../keyboard/chord-display';
import { chordOfPress, formatChord } from '../keyboard/key-chord';
import { COMMAND_IDS, COMMANDS, policyProblem, type CommandId } from '../keyboard/shortcut-registry';
import { shortcutStore, useResolvedShortcuts } from '../keyboard/shortcut-store';
import './preferences.css';
import { useSectionArrival } from './use-section-arrival';

/**
 * Keyboard settings: rebind a command by pressing the new key, reset it to the default, edit
 * the keys a focused terminal always receives, and switch to sending every key to the
 * terminal. Changes apply at once and are kept in this browser's storage.
 */
export function KeyboardSettings({ isLaidOut = true }: { isLaidOut?: boolean }) {
  const resolved = useResolvedShortcuts();
  const { sectionRef, headingRef } = useSectionArrival('keyboard', isLaidOut);
  const store = shortcutStore();
  const settings = store.settings();
  const [recording, setRecording] = useState<CommandId | 'pass-through' | null>(null);
  const loadMessage = store.loadMessage();
  const show = (binding: string): string => displayBinding(binding, resolved.platform);
  const paletteKey = resolved.bindings['palette.open'][0];

  const recorded = (binding: string): void => {
    if (recording === 'pass-through') store.update((s) => ({ ...s, passThrough: [...new Set([...s.passThrough, binding])] }));
    else if (recording) store.rebind(recording, [binding]);
    setRecording(null);
  };

  return (
    <section className="pref-section" aria-labelledby="keyboard-settings-title" data-testid="keyboard-settings" ref={sectionRef}>
      <h3 id="keyboard-settings-title" ref={headingRef} tabIndex={-1}>
        Keyboard
      </h3>
      {loadMessage && (
        <p className="pref-message" role="status">
          {loadMessage}
        </p>
      )}
      {resolved.conflicts.length > 0 && (
        <ul className="pref-conflicts" aria-label="Conflicts" data-testid="shortcut-conflicts">
          {resolved.conflicts.map((c) => (
            <li key={c.binding}>
              {show(c.binding)} is bound to both {c.commands.map((id) => `“${COMMANDS[id].title}”`).join(' and ')}; the first one runs.
            </li>
          ))}
        </ul>
      )}

      <label className="pref-toggle">
        <input type="checkbox" checked={settings.sendEveryKey} onChange={(e) => store.update((s) => ({ ...s, sendEveryKey: e.target.checked }))} />
        Send every key to the terminal
        <span className="muted">
          {' '}
          (with a terminal focused, only {paletteKey ? show(paletteKey) : 'the palette key'} still reaches Grove, to open the palette)
        </span>
      </label>

      <table className="pref-shortcuts">
        <thead>
          <tr>
            <th scope="col">Command</th>
            <th scope="col">Key</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {COMMAND_IDS.map((id) => {
            const bindings = resolved.bindings[id];
            const custom = settings.overrides[id] !== undefined;
            const warnings = custom ? bindings.map((b) => policyProblem(b, resolved.platform)).filter(Boolean) : [];
            return (
              <tr key={id} data-command={id}>
                <th scope="row">{COMMANDS[id].title}</th>
                <td>
                  {recording === id ? (
                    <KeyRecorder label={`New key for ${COMMANDS[id].title}`} onKey={recorded} onCancel={() => setRecording(null)} />
                  ) : bindings.length === 0 ? (
                    <span className="muted">no key</span>
                  ) : (
                    bindings.map((b) => <Keys key={b} keys={bindingKeys(b, resolved.platform)} />)
                  )}
                  {warnings.map((w) => (
                    <span key={w} className="pref-warning">
                      {w}
                    </span>
                  ))}
                </td>
                <td className="pref-actions">
                  <button type="button" onClick={() => setRecording(id)} aria-label={`Change the key for ${COMMANDS[id].title}`}>
                    Change
                  </button>
                  <button type="button" className="icon-button" disabled={!custom} onClick={() => store.resetCommand(id)} aria-label={`Reset ${COMMANDS[id].title} to its default`} title="Reset to default">
                    <RotateCcw size={14} aria-hidden />
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <h4>Keys the terminal always receives</h4>
      <p className="muted">With a terminal focused these go to the program even when a shortcut above uses them.</p>
      <ul className="pref-pass-through" data-testid="pass-through-list">
        {settings.passThrough.map((b) => (
          <li key={b}>
            <Keys keys={bindingKeys(b, resolved.platform)} />
            <button type="button" className="icon-button" aria-label={`Remove ${show(b)} from the keys the terminal always receives`} onClick={() => store.update((s) => ({ ...s, passThrough: s.passThrough.filter((x) => x !== b) }))}>
              <X size={14} aria-hidden />
            </button>
          </li>
        ))}
      </ul>
      {recording === 'pass-through' ? (
        <KeyRecorder label="Key the terminal always receives" onKey={recorded} onCancel={() => setRecording(null)} />
      ) : (
        <button type="button" onClick={() => setRecording('pass-through')}>
          Add a key
        </button>
      )}
    </section>
  );
}

function Keys({ keys }: { keys: string[] }) {
  return (
    <kbd className="pref-keys">
      {keys.map((k) => (
        <kbd key={k}>{k}</kbd>
      ))}
    </kbd>
  );
}

/**
 * Takes the next key press as a binding. Marked data-shortcut-recorder so the app's
 * shortcut listener lets every key through to it; Escape cancels.
 */
function KeyRecorder({ label, onKey, onCancel }: { label: string; onKey: (binding: string) => void; onCancel: () => void }) {
  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>): void => {
    if (e.key === 'Tab') return; // keep the keyboard way out of the field
    e.preventDefault();
    if (e.key === 'Escape' && !e.ctrlKey && !e.altKey && !e.metaKey && !e.shiftKey) return onCancel();
    const chord = chordOfPress(e.nativeEvent);
    if (chord) onKey(formatChord(chord));
  };
  return (
    <div className="pref-recorder" role="textbox" tabIndex={0} aria-label={label} data-shortcut-recorder ref={(el) => el?.focus()} onKeyDown={onKeyDown} onBlur={onCancel}>
      Press the new key… <span className="muted">(Esc cancels)</span>
    </div>
  );
}
