import { useState, type FormEvent } from 'react';
import type { Repo } from '../../shared/repo';
import { useHost } from '../connection/use-host';
import { TrustStep } from './trust-step';

/**
 * The registered repositories; when there are none, the first step says how to add one.
 * Their lanes and MAIN live on the lanes board (src/renderer/lanes).
 */
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
              <strong>{r.name}</strong> <code>{r.mainPath}</code> <LaneCount repoId={r.id} />{' '}
              <span className={`badge ${r.trusted ? 'badge-ok' : 'badge-pending'}`} data-testid="repo-trust">
                {r.trusted ? 'trusted' : r.trust === 'changed' ? 'commands changed' : 'untrusted'}
              </span>
              {!r.trusted && <TrustStep repo={r} />}
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

function LaneCount({ repoId }: { repoId: string }) {
  const { lanes } = useHost();
  const n = (lanes ?? []).filter((l) => l.repoId === repoId && !l.adoptable).length;
  return <span className="muted">{n === 1 ? '1 lane' : `${n} lanes`}</span>;
}
