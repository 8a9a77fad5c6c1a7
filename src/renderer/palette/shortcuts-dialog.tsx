import { Dialog } from '../ui/dialog';
import { bindingKeys } from '../keyboard/chord-display';
import { COMMAND_IDS, COMMANDS } from '../keyboard/shortcut-registry';
import { useResolvedShortcuts } from '../keyboard/shortcut-store';
import './palette.css';

/** Every app shortcut in force (the user's bindings included), one row a command. */
export function ShortcutsDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const resolved = useResolvedShortcuts();
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Keyboard shortcuts" description="Every other key goes to the focused terminal.">
      <table className="shortcut-table" data-testid="shortcut-list">
        <tbody>
          {COMMAND_IDS.map((id) => (
            <tr key={id} data-command={id}>
              <th scope="row">{COMMANDS[id].title}</th>
              <td>
                {resolved.bindings[id].length === 0 ? (
                  <span className="muted">no key</span>
                ) : (
                  resolved.bindings[id].map((binding, i) => (
                    <span key={binding} className="shortcut-binding">
                      {i > 0 && <span className="muted"> or </span>}
                      <kbd>
                        {bindingKeys(binding, resolved.platform).map((key) => (
                          <kbd key={key}>{key}</kbd>
                        ))}
                      </kbd>
                    </span>
                  ))
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
