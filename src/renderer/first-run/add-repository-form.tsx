import { FolderOpen, GitBranch } from 'lucide-react';
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Repo } from '../../shared/repo';
import type { HostStore } from '../connection/host-store';
import { useHostStore } from '../connection/use-host';
import { shellBridge } from '../shell/shell-bridge';
import { acceptedText, moveHighlight, pathToAdd } from './path-completion';
import { useDirectoryCompletion } from './use-directory-completion';
import './add-repository.css';

export type AddOutcome = { ok: true; repo: Repo } | { ok: false; message: string };

/** Registers MAIN through repos.add: the new repository, or the host's reason why not. */
export async function addRepository(store: HostStore, path: string): Promise<AddOutcome> {
  const r = await store.request('repos.add', { path });
  return r.ok ? { ok: true, repo: r.value.repo } : { ok: false, message: r.error.message };
}

/**
 * The path of a repository's MAIN checkout, and the button that registers it. In a browser
 * the field completes directory names from the host (a combobox: arrows move, Tab or Enter
 * accepts, Escape closes); in the app's window "Choose folder…" opens the system's picker
 * too. The host's refusal is shown once, next to the field.
 */
export function AddRepositoryForm({
  onAdded,
  add,
  takesFocus,
}: {
  onAdded: (repo: Repo) => void;
  /** How to register the path; by default repos.add. */
  add?: (path: string) => Promise<AddOutcome>;
  /** Focus the path field as the form appears. */
  takesFocus?: boolean;
}) {
  const store = useHostStore();
  const ids = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [isOpen, setOpen] = useState(false);
  const [highlight, setHighlight] = useState(-1);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const completion = useDirectoryCompletion(text);
  const entries = completion.kind === 'listed' ? completion.listing.entries : [];
  // A path that already names the one directory offered needs no list (which would cover the buttons).
  const isComplete = entries.length === 1 && entries[0]!.path === pathToAdd(text);
  const isListShown = isOpen && entries.length > 0 && !isComplete;
  const pickDirectory = shellBridge()?.pickDirectory;

  const register = add ?? ((path: string) => addRepository(store, path));

  const type = (value: string): void => {
    setText(value);
    setHighlight(-1);
    setOpen(true);
    setError(null);
  };

  const accept = (index: number): void => {
    const entry = entries[index];
    if (entry) type(acceptedText(entry));
    inputRef.current?.focus();
  };

  const submit = async (path: string): Promise<void> => {
    if (path === '') return;
    setOpen(false);
    setBusy(true);
    const expanded = await expandHome(path);
    if (!expanded.ok) {
      setBusy(false);
      return setError(expanded.message);
    }
    const r = await register(expanded.path);
    setBusy(false);
    if (r.ok) {
      setText('');
      setError(null);
      onAdded(r.repo);
    } else setError(r.message);
  };

  /**
   * "~/…" is the host user's home: the host says where that is (repos.add takes absolute
   * paths only). When it cannot (a folder mistyped), what it says is the error to show:
   * it names the folder that is not there.
   */
  const expandHome = async (path: string): Promise<{ ok: true; path: string } | { ok: false; message: string }> => {
    if (path !== '~' && !path.startsWith('~/')) return { ok: true, path };
    const r = await store.request('fs.directories', { prefix: path + '/' });
    return r.ok ? { ok: true, path: pathToAdd(r.value.directory) } : { ok: false, message: r.error.message };
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        e.preventDefault();
        setOpen(true);
        setHighlight((h) => moveHighlight(h, entries.length, e.key === 'ArrowDown' ? 1 : -1));
        return;
      case 'Tab':
        // Tab completes while suggestions show (as a shell's does); otherwise it moves focus on.
        if (isListShown && !e.shiftKey) {
          e.preventDefault();
          accept(highlight >= 0 ? highlight : 0);
        }
        return;
      case 'Enter':
        if (isListShown && highlight >= 0) {
          e.preventDefault();
          accept(highlight);
        }
        return;
    }
  };

  // Asked for by a dialog or the first run: the path is the first thing to type (not
  // autoFocus: see ui/focus-on-mount.ts).
  useEffect(() => {
    if (takesFocus) inputRef.current?.focus();
  }, []); // once, as the form appears

  // Escape closes the suggestions only, not a dialog around the field. A dialog hears
  // Escape in the document's capture phase, before the field does; the window's capture
  // phase comes first, so the field takes its Escape there.
  useEffect(() => {
    if (!isListShown) return;
    const onEscape = (e: globalThis.KeyboardEvent): void => {
      if (e.key !== 'Escape' || e.target !== inputRef.current) return;
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      setHighlight(-1);
    };
    window.addEventListener('keydown', onEscape, { capture: true });
    return () => window.removeEventListener('keydown', onEscape, { capture: true });
  }, [isListShown]);

  const choose = async (): Promise<void> => {
    if (!pickDirectory) return;
    const picked = await pickDirectory();
    if (picked === null) return;
    setText(picked);
    await submit(picked);
  };

  const listId = `${ids}-list`;
  const hintId = `${ids}-hint`;
  const errorId = `${ids}-error`;
  const optionId = (i: number): string => `${ids}-option-${i}`;
  return (
    <form className="add-repository" onSubmit={(e: FormEvent) => (e.preventDefault(), void submit(pathToAdd(text)))}>
      <label htmlFor={`${ids}-path`} className="add-repository-label">
        MAIN checkout path
      </label>
      <div className="add-repository-row">
        <div className="add-repository-field">
          <input
            ref={inputRef}
            id={`${ids}-path`}
            data-testid="repo-path"
            role="combobox"
            aria-expanded={isListShown}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={isListShown && highlight >= 0 ? optionId(highlight) : undefined}
            aria-describedby={error ? errorId : hintId}
            aria-invalid={error ? true : undefined}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            placeholder="/home/you/Sites/flower"
            value={text}
            onChange={(e) => type(e.target.value)}
            onKeyDown={onKeyDown}
            onBlur={() => setOpen(false)}
            onFocus={() => setOpen(true)}
          />
          <ul id={listId} role="listbox" aria-label="Matching directories" className="path-completions" data-testid="path-completions" hidden={!isListShown}>
            {isListShown &&
              entries.map((entry, i) => (
                <li
                  key={entry.path}
                  id={optionId(i)}
                  role="option"
                  aria-selected={i === highlight}
                  data-testid="path-completion"
                  data-path={entry.path}
                  className="path-completion"
                  // Keeps the focus in the field: a click accepts, as Enter does.
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => accept(i)}
                >
                  <span className="path-completion-name">{entry.name}/</span>
                  {entry.isGitCheckout && (
                    <span className="path-completion-git">
                      <GitBranch size={12} aria-hidden /> git checkout
                    </span>
                  )}
                </li>
              ))}
            {isListShown && completion.kind === 'listed' && completion.listing.truncated && (
              <li role="presentation" className="path-completion-more">
                More match: type more letters
              </li>
            )}
          </ul>
        </div>
        {pickDirectory && (
          <button type="button" onClick={() => void choose()} disabled={busy} data-testid="choose-folder">
            <FolderOpen size={14} aria-hidden /> Choose folder…
          </button>
        )}
        <button type="submit" className="primary" disabled={busy || text.trim() === ''}>
          {busy ? 'Adding…' : 'Add repository'}
        </button>
      </div>
      {error ? (
        <p className="add-repository-error" role="alert" id={errorId} data-testid="repo-add-error">
          {error}
        </p>
      ) : (
        <p className="add-repository-hint" id={hintId} data-testid="path-hint" aria-live="polite">
          {completion.kind === 'failed' ? completion.message : 'Type a path: matching folders appear as you type. Tab completes.'}
        </p>
      )}
    </form>
  );
}
