import { RefreshCw } from 'lucide-react';
import { useId, useRef, useState, type FormEvent, type InputHTMLAttributes, type ReactNode, type Ref, type RefObject } from 'react';
import { SyncPassword, type SyncStatus, type SyncTls } from '../../shared/sync';
import { useHost, useHostStore } from '../connection/use-host';
import { SyncFacts } from '../sync/sync-facts';
import { wantsPassword } from '../sync/sync-indicator-model';
import { ConfirmDialog } from '../ui/dialog';
import { count } from '../../shared/plural';
import { entriesToPush } from '../../shared/sync-words';
import { checkSyncUrl, passwordAdvice, redactionsLeftBehind, stateWords, storeChange, TLS_CHOICES, type StoreChange } from './sync-settings-model';
import './preferences.css';
import './sync-settings.css';
import { useSectionArrival } from './use-section-arrival';
import { useSyncOffRequest } from './sync-off-request';

/**
 * The settings' Sync section (`#/settings/sync`, the chip's "Sync settings"): the state in
 * words, the facts (store, TLS, where the password comes from, last push and pull, what
 * waits, the last error), and the whole setup: the URL and TLS, the password (written by the
 * host to its 0600 file; the field is emptied once saved and nothing echoes it), "Sync now"
 * and "Turn sync off". `status`: the settings' reading of sync.status (use-sync-status.ts), live.
 */
export function SyncSettings({ status }: { status: SyncStatus | null }) {
  const dataDir = useHost().status?.dataDir ?? null;
  const { sectionRef, headingRef } = useSectionArrival('sync', status !== null);
  return (
    <section className="pref-section sync-settings" aria-labelledby="sync-settings-title" data-testid="sync-settings" ref={sectionRef}>
      <h3 id="sync-settings-title" ref={headingRef} tabIndex={-1}>
        Sync
      </h3>
      <p className="muted">Share briefs with other Groves through the team’s MySQL (8.0+) or MariaDB (10.11+). Local work never waits for it.</p>
      {status ? <SyncSetup status={status} dataDir={dataDir} /> : <p className="muted">Reading sync’s state…</p>}
    </section>
  );
}

function SyncSetup({ status, dataDir }: { status: SyncStatus; dataDir: string | null }) {
  const words = stateWords(status);
  const advice = passwordAdvice(status.passwordFrom, dataDir);
  const isOn = status.state !== 'off';
  return (
    <>
      <div className={`sync-state tone-${words.tone}`} data-testid="sync-settings-state" data-state={words.state}>
        <strong>{words.label}</strong> <span>{words.sentence}</span>
      </div>
      {isOn && <SyncFacts status={status} password={advice.from} />}
      {advice.command && (
        <div className="sync-password-help" data-testid="sync-password-help">
          {status.passwordProblem && (
            <p className="sync-password-problem" role="alert" data-testid="sync-password-problem">
              {status.passwordProblem}
            </p>
          )}
          <p>
            {!isOn ? 'The password: type' : wantsPassword(status) ? 'Type' : 'No password found: type'} it in the form below, set <code>GROVE_SYNC_PASSWORD</code> for the host, or write the file yourself (the command asks for the password without showing it):
          </p>
          <pre>
            <code>{advice.command}</code>
          </pre>
        </div>
      )}
      {isOn && <SyncActions status={status} />}
      <StoreForm status={status} passwordHint={advice} />
    </>
  );
}

/** "Sync now", and "Turn sync off" once confirmed. */
function SyncActions({ status }: { status: SyncStatus }) {
  const store = useHostStore();
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [isConfirming, setConfirming] = useState(false);
  useSyncOffRequest(() => setConfirming(true));
  // Said in the dialog, then forced: the operator chose to leave it. Had none been waiting when
  // the dialog showed, the host still refuses one made since (its reason shows here).
  const leftBehind = redactionsLeftBehind(status);
  const unpushed = entriesToPush(status);
  const run = async (method: 'sync.now' | 'sync.off'): Promise<void> => {
    setBusy(true);
    setError(null);
    const r = await store.request(method, method === 'sync.off' && leftBehind ? { force: true } : {});
    setBusy(false);
    if (!r.ok) setError(r.error.message);
  };
  return (
    <>
      <div className="sync-actions">
        <button type="button" onClick={() => void run('sync.now')} disabled={isBusy}>
          <RefreshCw size={14} aria-hidden className={isBusy ? 'spin' : undefined} />
          Sync now
        </button>
        <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={isBusy}>
          Turn sync off…
        </button>
      </div>
      {error && (
        <p className="sync-form-error" role="alert">
          {error}
        </p>
      )}
      <ConfirmDialog
        open={isConfirming}
        onOpenChange={setConfirming}
        title="Turn sync off?"
        consequence={
          <>
            This host stops syncing with <code>{status.url}</code> and forgets it: the URL, its place in the shared store
            {unpushed > 0 ? `, and the ${count(unpushed, 'entry')} not yet pushed (${unpushed === 1 ? 'it stays' : 'they stay'} here, unshared)` : ''}.
          </>
        }
        stays={<>Every brief on this machine, as it is now. The shared store keeps what it has; other Groves go on syncing with it. Turning sync on again pushes this host’s history once more.</>}
        warning={leftBehind}
        action="Turn sync off"
        onConfirm={() => void run('sync.off')}
      />
    </>
  );
}

const DONE: Record<StoreChange, string> = {
  'turn-on': 'Sync is on: Grove connects to the shared store and pushes this host’s briefs; the state above follows.',
  'new-store': 'Now syncing with the new store: this host’s whole history is being pushed there.',
  tls: 'TLS changed: Grove reconnects with it.',
  none: 'Nothing changed: the store and TLS are as they were.',
};

/**
 * The URL, TLS and password. The URL is checked here before it is sent (the host checks it
 * again; its refusal shows in the same place); a different store asks first, since this
 * host's whole history is then pushed there. The password goes first, so the round that
 * follows has it.
 */
function StoreForm({ status, passwordHint }: { status: SyncStatus; passwordHint: { from: string } }) {
  const store = useHostStore();
  const id = useId();
  const urlRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  // null: the field shows what the host has (a change from the CLI shows here too).
  const [urlDraft, setUrlDraft] = useState<string | null>(null);
  const [tlsDraft, setTlsDraft] = useState<SyncTls | null>(null);
  const [password, setPassword] = useState('');
  const [urlError, setUrlError] = useState<string | null>(null);
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const [confirmUrl, setConfirmUrl] = useState<string | null>(null);
  const url = urlDraft ?? status.url ?? '';
  const tls = tlsDraft ?? status.tls ?? 'off';
  const isOn = status.state !== 'off';
  const isPasswordFromEnv = status.passwordFrom === 'env';

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setDone(null);
    setUrlError(null);
    setPasswordError(null);
    const checked = checkSyncUrl(url);
    if (!checked.ok) {
      setUrlError(checked.message);
      urlRef.current?.focus();
      return;
    }
    if (password !== '') {
      const valid = SyncPassword.safeParse(password);
      if (!valid.success) {
        setPasswordError(`The password: ${valid.error.issues[0]?.message ?? 'not one the host takes'}.`);
        passwordRef.current?.focus();
        return;
      }
    }
    const change = storeChange(status, checked.url, tls);
    if (change === 'new-store') setConfirmUrl(checked.url);
    else void save(checked.url, change);
  };

  const leftBehind = redactionsLeftBehind(status);
  const save = async (to: string, change: StoreChange): Promise<void> => {
    setBusy(true);
    try {
      const hadPassword = password !== '';
      if (hadPassword) {
        const r = await store.request('sync.setPassword', { password });
        if (!r.ok) {
          setPasswordError(r.error.message);
          focusOnceEnabled(passwordRef);
          return;
        }
        setPassword('');
      }
      if (change !== 'none') {
        // Only the new-store dialog said what would be left behind (a TLS change stays with the store).
        const r = await store.request('sync.set', { url: to, tls, ...(change === 'new-store' && leftBehind ? { force: true } : {}) });
        if (!r.ok) {
          setUrlError(r.error.message);
          focusOnceEnabled(urlRef);
          return;
        }
        setUrlDraft(null);
        setTlsDraft(null);
      }
      setDone(change === 'none' && hadPassword ? 'Password saved (readable by you only); Grove tries it now.' : DONE[change]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="sync-form" onSubmit={submit} aria-busy={isBusy} aria-label={isOn ? 'Change the shared store' : 'Turn sync on'} data-testid="sync-form" noValidate>
      <h4>{isOn ? 'Change the shared store' : 'Turn sync on'}</h4>
      <Field
        ref={urlRef}
        id={`${id}-url`}
        label="URL"
        error={urlError}
        errorTestId="sync-url-error"
        hint={
          <>
            <code>mysql://USER@HOST:PORT/DATABASE</code>, without the password.
          </>
        }
        name="url"
        value={url}
        onChange={(e) => {
          setUrlDraft(e.target.value);
          setUrlError(null);
        }}
        placeholder="mysql://grove@db.example.com:3306/grove"
        autoComplete="off"
        autoCapitalize="off"
        spellCheck={false}
        disabled={isBusy}
      />
      <fieldset className="sync-tls" disabled={isBusy}>
        <legend>TLS</legend>
        {TLS_CHOICES.map((c) => (
          <label key={c.value}>
            <input type="radio" name={`${id}-tls`} value={c.value} checked={tls === c.value} onChange={() => setTlsDraft(c.value)} />
            <span>
              {c.label} <span className="muted">— {c.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <Field
        ref={passwordRef}
        id={`${id}-password`}
        label="Password"
        error={passwordError}
        errorTestId="sync-password-error"
        hint={
          isPasswordFromEnv
            ? `The host takes it from ${passwordHint.from}; change it where the host is started.`
            : 'Written by the host to its data dir, readable by you only; never shown again, never in a log.'
        }
        name="password"
        type="password"
        value={password}
        onChange={(e) => {
          setPassword(e.target.value);
          setPasswordError(null);
        }}
        autoComplete="new-password"
        placeholder={isPasswordFromEnv ? 'set by GROVE_SYNC_PASSWORD' : status.passwordFrom === 'file' ? 'leave empty to keep the saved one' : undefined}
        disabled={isBusy || isPasswordFromEnv}
        data-testid="sync-password"
      />
      {!isOn && <p className="sync-field-hint">Turning sync on pushes every brief on this host, with its whole history, to the shared store.</p>}
      <div className="sync-form-actions">
        <button type="submit" className="primary" disabled={isBusy}>
          {isBusy ? 'Saving…' : isOn ? 'Save' : 'Turn sync on'}
        </button>
        {done && (
          <span role="status" className="sync-done" data-testid="sync-form-done">
            {done}
          </span>
        )}
      </div>
      <ConfirmDialog
        open={confirmUrl !== null}
        onOpenChange={(open) => !open && setConfirmUrl(null)}
        title="Sync with another store?"
        consequence={
          <>
            This host will sync with <code>{confirmUrl}</code> instead of <code>{status.url}</code>, and push its whole history there: every brief, every entry, once.
          </>
        }
        stays={<>Every brief on this machine. The old store keeps what it has.</>}
        warning={leftBehind}
        action="Switch and push the history"
        onConfirm={() => confirmUrl && void save(confirmUrl, 'new-store')}
      />
    </form>
  );
}

/** Focuses a field the busy form disabled, once it is enabled again (the next frame). */
function focusOnceEnabled(ref: RefObject<HTMLInputElement | null>): void {
  requestAnimationFrame(() => ref.current?.focus());
}

/** A labelled text field with its hint, and the error in place (announced, and read with the field) while there is one. */
function Field({ id, label, error, errorTestId, hint, ref, ...input }: { id: string; label: string; error: string | null; errorTestId: string; hint: ReactNode; ref: Ref<HTMLInputElement> } & InputHTMLAttributes<HTMLInputElement>) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className="sync-field">
      <label htmlFor={id}>{label}</label>
      <input {...input} ref={ref} id={id} aria-invalid={error ? true : undefined} aria-describedby={error ? `${errorId} ${hintId}` : hintId} />
      {error && (
        <p id={errorId} className="sync-form-error" role="alert" data-testid={errorTestId}>
          {error}
        </p>
      )}
      <p id={hintId} className="sync-field-hint">
        {hint}
      </p>
    </div>
  );
}
