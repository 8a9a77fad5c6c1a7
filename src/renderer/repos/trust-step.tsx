import { useEffect, useState } from 'react';
import type { Repo } from '../../shared/repo';
import type { RepoCommands } from '../../shared/trust';
import { useHostStore } from '../connection/use-host';
import './trust-step.css';

/**
 * The Trust step: after a repository is added, or when its grove.yaml's commands changed
 * since they were trusted, every command Grove would run is shown with the digest (and the
 * change, old against new), and nothing of grove.yaml runs until the operator trusts them.
 * The digest shown is the one trusted: a file changed in between is refused, and re-read.
 * With `onSkip`, a "Not now" button puts the decision off (the repository stays untrusted).
 */
export function TrustStep({ repo, onSkip, onTrusted }: { repo: Repo; onSkip?: () => void; onTrusted?: (repo: Repo) => void }) {
  const store = useHostStore();
  const [shown, setShown] = useState<RepoCommands | null>(null);
  /** Why the commands could not be read (a re-read that works clears it). */
  const [error, setError] = useState<string | null>(null);
  /** Why the last Trust was refused: kept through the re-read it causes, until the next click. */
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reads, setReads] = useState(0);

  useEffect(() => {
    let live = true;
    void store.request('repos.commands', { repoId: repo.id }).then((r) => {
      if (!live) return;
      setShown(r.ok ? r.value : null);
      setError(r.ok ? null : r.error.message);
    });
    return () => {
      live = false;
    };
  }, [store, repo.id, repo.trust, repo.trustedDigest, reads]);

  const trust = async (digest: string): Promise<void> => {
    setBusy(true);
    setRefusal(null);
    const r = await store.request('repos.trust', { repoId: repo.id, digest });
    setBusy(false);
    if (r.ok) {
      store.setRepo(r.value.repo);
      onTrusted?.(r.value.repo);
    } else {
      // The commands changed while shown (or another refusal): say why, and show them again.
      setRefusal(r.error.message);
      setReads((n) => n + 1);
    }
  };

  const changed = repo.trust === 'changed';
  return (
    <section className={`trust-step ${changed ? 'trust-changed' : ''}`} data-testid="trust-step" aria-label={`Trust ${repo.name}`}>
      <h3>{changed ? `${repo.name}'s commands changed: Grove stopped running them` : `Trust ${repo.name}?`}</h3>
      <p className="muted">
        {changed
          ? 'Review the change; nothing from grove.yaml runs (probes, setup, gate, serve, ops) until you trust it again.'
          : 'A repository is code from elsewhere: nothing from its grove.yaml runs (probes, setup, gate, serve, ops) until you trust these commands.'}
      </p>
      {shown && changed && shown.changes.length > 0 && (
        <div className="trust-changes" data-testid="trust-changes">
          {shown.changes.map((c) => (
            <div key={c.key} className="trust-change" data-testid="trust-change">
              <code className="trust-key">{c.key}</code>
              {c.before !== null && <pre className="trust-old">- {c.before}</pre>}
              {c.after !== null && <pre className="trust-new">+ {c.after}</pre>}
            </div>
          ))}
        </div>
      )}
      {shown && (
        <>
          {shown.commands.length === 0 ? (
            <p data-testid="trust-no-commands">Its grove.yaml runs no commands.</p>
          ) : (
            <ul className="trust-commands">
              {shown.commands.map((c) => (
                <li key={c.key} data-testid="trust-command">
                  <code className="trust-key">{c.key}</code> <span className="trust-role">{c.role}</span>
                  <pre>{c.value}</pre>
                </li>
              ))}
            </ul>
          )}
          <p className="trust-digest">
            digest <code data-testid="trust-digest">sha256:{shown.digest}</code>
          </p>
          <div className="trust-actions">
            <button type="button" className="primary" disabled={busy} onClick={() => void trust(shown.digest)}>
              {changed ? 'Trust the changed commands' : 'Trust these commands'}
            </button>
            {onSkip && (
              <button type="button" onClick={onSkip} data-testid="trust-skip">
                Not now
              </button>
            )}
          </div>
        </>
      )}
      {!shown && onSkip && error && (
        <div className="trust-actions">
          <button type="button" onClick={onSkip} data-testid="trust-skip">
            Not now
          </button>
        </div>
      )}
      {(refusal ?? error) && (
        <p className="trust-error" role="alert" data-testid="trust-error">
          {refusal ?? error}
        </p>
      )}
    </section>
  );
}
