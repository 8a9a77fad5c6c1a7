import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Lane } from '../../shared/lanes';
import type { Repo } from '../../shared/repo';
import { useHost, useHostStore } from '../connection/use-host';
import { Dialog } from '../ui/dialog';
import { JobLog } from './job-log';
import { NetworkOptions, type NetworkChoice } from './lane-network';
import { jobOfLane } from './job-state';
import { useRepoConfig } from './use-repo-config';
import '../lane-panel/lane-panel.css';
import { focusOnMount } from '../ui/focus-on-mount';

/**
 * The rail's "+ Lane": a new lane's name (its branch too), ephemeral or standing, key-less
 * or not, and its network (the repository's default unless picked). The host answers once the setup is done, which can take minutes; meanwhile the
 * setup's log streams here (and in the lane's panel, since the lane exists as soon as its
 * worktree does). Closing the dialog does not stop the creation; `onCreated` (select the lane)
 * is called only if the dialog was still open when the host answered. A refusal (a bad name,
 * an untrusted repository, a failed setup) shows here with the log that explains it, or,
 * hidden by then, through `onFailedHidden`.
 */
export function CreateLaneDialog({
  repo,
  open,
  onOpenChange,
  onCreated,
  onFailedHidden,
}: {
  repo: Repo;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated?: (lane: Lane) => void;
  /** A creation hidden before it answered was refused: said where the operator is now (no lane, so no panel, holds it). */
  onFailedHidden?: (message: string) => void;
}) {
  const store = useHostStore();
  const formId = useId();
  const { jobs, mainStates } = useHost();
  const config = useRepoConfig(repo.id, mainStates[repo.id]?.head ?? null);
  const [name, setName] = useState('');
  const [isEphemeral, setEphemeral] = useState(false);
  const [keyless, setKeyless] = useState<boolean | null>(null);
  const [network, setNetwork] = useState<NetworkChoice>('default');
  const [error, setError] = useState<string | null>(null);
  /** The lane being created, and the jobs of that name from before (a name used again). */
  const [creating, setCreating] = useState<{ name: string; earlierJobIds: string[] } | null>(null);
  const [lastJobName, setLastJobName] = useState<{ name: string; earlierJobIds: string[] } | null>(null);
  const isKeyless = keyless ?? config?.config.lanes?.keyless ?? false;
  // A creation hidden before it answered does not pull the operator to its lane minutes later.
  const isShowing = useRef(open);
  useEffect(() => {
    isShowing.current = open;
    return () => {
      isShowing.current = false;
    };
  }, [open]);
  const watched = creating ?? lastJobName;
  const job = watched ? jobOfLane(jobs, repo.id, watched.name) : null;
  const ownJob = job && watched && !watched.earlierJobIds.includes(job.job.id) ? job : null;

  const create = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const wanted = name.trim();
    if (wanted === '' || creating) return;
    const attempt = { name: wanted, earlierJobIds: jobs.filter((j) => j.job.repoId === repo.id && j.job.laneName === wanted).map((j) => j.job.id) };
    setCreating(attempt);
    setLastJobName(attempt);
    setError(null);
    const r = await store.request('lanes.create', {
      repoId: repo.id,
      name: wanted,
      ...(isEphemeral ? { ephemeral: true } : {}),
      ...(keyless !== null ? { keyless } : {}),
      ...(network !== 'default' ? { network } : {}),
    });
    setCreating(null);
    if (!r.ok) {
      setError(r.error.message);
      if (!isShowing.current) onFailedHidden?.(`The lane ${wanted} of ${repo.name} was not created: ${r.error.message}`);
      return;
    }
    setName('');
    setLastJobName(null);
    if (!isShowing.current) return;
    onCreated?.(r.value.lane);
    onOpenChange(false);
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={`New lane in ${repo.name}`} description="A worktree of its own branch beside MAIN, with its own ports; grove.yaml’s setup runs in it.">
      <form className="create-lane" onSubmit={(e) => void create(e)} aria-busy={creating !== null}>
        <label className="lp-field">
          Lane name (also its branch)
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. design" spellCheck={false} ref={focusOnMount} disabled={creating !== null} />
        </label>
        <label className="lp-check">
          <input type="checkbox" checked={isEphemeral} onChange={(e) => setEphemeral(e.target.checked)} disabled={creating !== null} />
          <span>
            Ephemeral<small>Removed, with its branch, once merged into MAIN.</small>
          </span>
        </label>
        <label className="lp-check">
          <input type="checkbox" checked={isKeyless} onChange={(e) => setKeyless(e.target.checked)} disabled={creating !== null} />
          <span>
            Key-less<small>Copied dotenv files lose the keys grove.yaml lists, and agents in the lane do not get them.</small>
          </span>
        </label>
        <div className="lp-field">
          <label htmlFor={`${formId}-network`}>Network</label>
          <select
            id={`${formId}-network`}
            value={network}
            onChange={(e) => setNetwork(e.target.value as NetworkChoice)}
            disabled={creating !== null}
            aria-describedby={`${formId}-network-hint`}
            data-testid="create-lane-network"
          >
            <NetworkOptions repoDefault={config ? (config.config.lanes?.network ?? 'open') : null} />
          </select>
          <small id={`${formId}-network-hint`}>What its confined agents reach. Loopback: this machine’s local servers (Grove’s host, a dev server, a local database), nothing beyond. None: nothing but Grove’s host (servers they start on their own loopback still work).</small>
        </div>
        {creating && (
          <p className="lp-hint" role="status">
            Creating {creating.name}… You may close this: the creation goes on, and the setup’s log stays in the lane’s panel.
          </p>
        )}
        {error && <p className="lp-error" role="alert" data-testid="lane-error">{error}</p>}
        {ownJob && <JobLog key={ownJob.job.id} view={ownJob} />}
        <div className="dialog-actions">
          <button type="button" onClick={() => onOpenChange(false)}>{creating ? 'Hide (the creation goes on)' : 'Cancel'}</button>
          <button type="submit" className="primary" disabled={name.trim() === '' || creating !== null}>
            {creating ? 'Creating…' : 'Create lane'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
