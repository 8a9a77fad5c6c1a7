import { useState, type FormEvent } from 'react';
import type { Lane } from '../../shared/lanes';
import type { Repo } from '../../shared/repo';
import { useHost, useHostStore } from '../connection/use-host';

/** The registered repositories; when there are none, the first step says how to add one. */
export function ReposView({ repos, onAdd }: { repos: Repo[] | null; onAdd: (path: string) => Promise<{ ok: true } | { ok: false; message: string }> }) {
  return (
    <section className="panel" data-testid="repos" aria-label="Repositories">
      <h2>Repositories</h2>
      {repos === null ? null : repos.length === 0 ? (
        <div className="empty" data-testid="repos-empty">
          <p><strong>No repositories yet.</strong> Start by registering your app's MAIN checkout, the stable one that serves the site.
            Grove will keep active work in lanes beside it.</p>
          <p>Paste its path below, or run <code>grove repo add /path/to/your/app</code>.</p>
        </div>
      ) : (
        <ul className="repo-list">
          {repos.map((r) => (
            <li key={r.id} data-testid="repo-row">
              <strong>{r.name}</strong> <code>{r.mainPath}</code>
              <RepoLanes repo={r} />
            </li>
          ))}
        </ul>
      )}
      <AddRepoForm onAdd={onAdd} />
    </section>
  );
}

function AddRepoForm({ onAdd }: { onAdd: (path: string) => Promise<{ ok: true } | { ok: false; message: string }> }) {
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    const r = await onAdd(path.trim());
    setBusy(false);
    if (r.ok) {
      setPath('');
      setError(null);
    } else setError(r.message);
  };
  return (
    <form className="add-repo" onSubmit={(e) => void submit(e)}>
      <label htmlFor="repo-path">MAIN checkout path</label>
      <input id="repo-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/you/Sites/flower" spellCheck={false} />
      <button type="submit" disabled={busy || path.trim() === ''}>Add repository</button>
      {error && <p className="error" role="alert" data-testid="repo-add-error">{error}</p>}
    </form>
  );
}

/** A repository's lanes: create one, see each one's branch and state, remove safely. */
function RepoLanes({ repo }: { repo: Repo }) {
  const store = useHostStore();
  const { lanes } = useHost();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [refused, setRefused] = useState<{ lane: Lane; message: string } | null>(null);
  const mine = (lanes ?? []).filter((l) => l.repoId === repo.id);
  const create = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const r = await store.act('lanes.create', { repoId: repo.id, name: name.trim() });
    setError(r.ok ? null : r.message);
    if (r.ok) setName('');
  };
  const remove = async (lane: Lane, archive: boolean): Promise<void> => {
    const r = await store.act('lanes.remove', { id: lane.id, ...(archive ? { archive: true } : {}) });
    setRefused(r.ok ? null : { lane, message: r.message });
  };
  return (
    <div className="repo-lanes">
      <ul className="lane-list">
        {mine.map((l) => (
          <li key={l.id} data-testid="lane-row">
            <span className="lane-name">{l.name}</span> <code>{l.branch ?? '(detached)'}</code>{' '}
            <span className="lane-kind">{l.adoptable ? 'made outside Grove' : l.status === 'ok' ? l.kind : l.status}</span>
            {!l.adoptable && <button onClick={() => void remove(l, false)} aria-label={`Remove lane ${l.name}`}>Remove</button>}
          </li>
        ))}
      </ul>
      {refused && (
        <div className="error" role="alert" data-testid="lane-refused">
          <p>{refused.message}</p>
          <button onClick={() => void remove(refused.lane, true)}>Archive everything, then remove</button>{' '}
          <button onClick={() => setRefused(null)}>Keep the lane</button>
        </div>
      )}
      <form className="add-lane" onSubmit={(e) => void create(e)}>
        <input aria-label={`New lane in ${repo.name}`} placeholder="new lane, e.g. design" value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} />
        <button type="submit" disabled={name.trim() === ''}>Create lane</button>
      </form>
      {error && <p className="error" role="alert" data-testid="lane-error">{error}</p>}
    </div>
  );
}
