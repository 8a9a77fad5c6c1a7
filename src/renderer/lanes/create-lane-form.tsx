import { useState, type FormEvent } from 'react';
import type { Repo } from '../../shared/repo';
import { useHostStore } from '../connection/use-host';

/**
 * A new lane: its name (and branch, the same), ephemeral or standing, key-less or not.
 * The call answers only once the setup is done, which can take minutes; the lane's card
 * appears as soon as its worktree exists, with the setup's log streaming under it.
 */
export function CreateLaneForm({ repo, isKeylessByDefault }: { repo: Repo; isKeylessByDefault: boolean }) {
  const store = useHostStore();
  const [name, setName] = useState('');
  const [isEphemeral, setEphemeral] = useState(false);
  const [keyless, setKeyless] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Several lanes may be set up at once; the host runs their setups side by side.
  const [creating, setCreating] = useState<string[]>([]);
  const isKeyless = keyless ?? isKeylessByDefault;

  const create = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const wanted = name.trim();
    setCreating((c) => [...c, wanted]);
    setError(null);
    const r = await store.request('lanes.create', {
      repoId: repo.id,
      name: wanted,
      ...(isEphemeral ? { ephemeral: true } : {}),
      ...(keyless !== null ? { keyless } : {}),
    });
    setCreating((c) => c.filter((n) => n !== wanted));
    setError(r.ok ? null : r.error.message);
    if (r.ok) setName((n) => (n.trim() === wanted ? '' : n));
  };
  return (
    <>
      <form className="add-lane" onSubmit={(e) => void create(e)}>
        <input aria-label={`New lane in ${repo.name}`} placeholder="new lane, e.g. design" value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} />
        <label title="Removed, with its branch, once merged into MAIN">
          <input type="checkbox" checked={isEphemeral} onChange={(e) => setEphemeral(e.target.checked)} /> ephemeral
        </label>
        <label title="Copied dotenv files lose the keys grove.yaml lists, and agents in the lane do not get them">
          <input type="checkbox" checked={isKeyless} onChange={(e) => setKeyless(e.target.checked)} /> key-less
        </label>
        <button type="submit" disabled={name.trim() === '' || creating.includes(name.trim())}>Create lane</button>
      </form>
      {creating.length > 0 && <p className="hint" role="status">Creating {creating.join(', ')}: the setup’s output shows on the lane’s card.</p>}
      {error && <p className="error" role="alert" data-testid="lane-error">{error}</p>}
    </>
  );
}
