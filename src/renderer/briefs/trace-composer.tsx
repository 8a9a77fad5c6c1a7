import { FormError } from './form-error';
import { useId, useState, type FormEvent } from 'react';
import { useBriefPartForm } from './use-brief-part-form';
import { useWrite } from './use-write';
import { MAX_TEXT } from '../../shared/brief-constants';
import type { OpenBrief } from './use-brief';

/** Adds a note or a comment to the trace (markdown), as the operator, through the UI. */
export function TraceComposer({ append }: { append: OpenBrief['append'] }) {
  const id = useId();
  const form = useBriefPartForm('note');
  const [text, setText] = useState('');
  const [kind, setKind] = useState<'note' | 'comment'>('note');
  const write = useWrite();
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const sent = text;
    // Cleared only if unchanged since: words typed while it was on its way stay.
    write.run(() => append({ kind, text: sent }), () => setText((t) => (t === sent ? '' : t)));
  };
  return (
    <form className="trace-composer" onSubmit={submit} data-testid="trace-composer" ref={form}>
      <label htmlFor={`${id}-text`} className="visually-hidden">
        Add to the trace
      </label>
      <textarea
        id={`${id}-text`}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey) && text.trim() && !write.isBusy) submit(e);
        }}
        maxLength={MAX_TEXT}
        rows={3}
        placeholder="Add a note or comment (markdown)"
        data-testid="trace-text"
      />
      <div className="trace-composer-actions">
        <label htmlFor={`${id}-kind`} className="visually-hidden">
          As
        </label>
        <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as 'note' | 'comment')}>
          <option value="note">note</option>
          <option value="comment">comment</option>
        </select>
        <button type="submit" className="primary" disabled={write.isBusy || text.trim() === ''} data-testid="trace-add">
          Add {kind}
        </button>
      </div>
      <FormError message={write.error} />
    </form>
  );
}
