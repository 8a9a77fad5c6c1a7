import { FormError } from './form-error';
import { useId, useState, type FormEvent } from 'react';
import { MAX_REASON } from '../../shared/brief-constants';
import { Dialog } from '../ui/dialog';
import { focusOnMount } from '../ui/focus-on-mount';

/**
 * Redacting an entry (a secret pasted by mistake): asks why, since the reason is what the
 * tombstone shows to everyone. The entry, its kind, author and time stay; its content goes.
 */
export function RedactDialog({ label, onOpenChange, onRedact }: { label: string; onOpenChange: (open: boolean) => void; onRedact: (reason: string) => Promise<string | null> }) {
  const id = useId();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void onRedact(reason.trim()).then((failure) => (failure ? setError(failure) : onOpenChange(false)));
  };
  return (
    <Dialog open onOpenChange={onOpenChange} title={`Redact ${label}?`} description="Its content is replaced for everyone by a tombstone naming you and your reason; an attachment's image is deleted when nothing else uses it. This cannot be undone.">
      <form className="brief-form" onSubmit={submit}>
        <p className="dialog-stays">
          <strong>Stays:</strong> the entry's place in the trace, its kind, author and time, and a redaction entry saying who did it and why.
        </p>
        <label htmlFor={`${id}-reason`}>Reason</label>
        <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={MAX_REASON} required ref={focusOnMount} placeholder="pasted an API key" data-testid="redact-reason" />
        <FormError message={error} />
        <div className="dialog-actions">
          <button type="button" onClick={() => onOpenChange(false)}>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={reason.trim() === ''} data-testid="confirm-redact">
            Redact entry
          </button>
        </div>
      </form>
    </Dialog>
  );
}
