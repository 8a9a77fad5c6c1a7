import { FormError } from './form-error';
import { Pencil } from 'lucide-react';
import { useId, useLayoutEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { useBriefPartRequest } from './brief-part-requests';
import { MAX_SPEC } from '../../shared/brief-constants';
import type { Brief, BriefAttachment, BriefEntry } from '../../shared/briefs';
import { AttachmentDropZone } from './attachments/attachment-drop-zone';
import { attachmentMarkdown } from './attachments/attachment-text';
import { briefRef } from './brief-labels';
import { BriefSection } from './brief-section';
import { SafeMarkdown } from './safe-markdown';
import { SpecContestedNotice } from './spec-contested-notice';
import type { OpenBrief } from './use-brief';
import { useHostStore } from '../connection/use-host';

/**
 * The canonical spec ("canonical · plan"), rendered safely, and its editor: markdown with a
 * preview. Saving appends a refinement (the host keeps the diff). The save is conditional
 * on the spec being the one the operator started from: when someone else changed it
 * meanwhile, the operator's text stays in the editor and the page says so. A screenshot
 * dropped or pasted onto the editor is uploaded and lands in the text as `![name](/blobs/…)`.
 */
/** The text being edited, the spec it started from, and the brief's version then: a save is refused if anyone wrote since. */
type Draft = { base: string; text: string; version: number };

export function SpecSection({ brief, trace, append }: { brief: Brief; trace: readonly BriefEntry[]; append: OpenBrief['append'] }) {
  const [draft, setDraft] = useState<Draft | null>(null);
  // The palette's "Edit #N's spec": as the Edit button, or nothing when the editor is open.
  useBriefPartRequest('spec', () => setDraft((d) => d ?? { base: brief.spec, text: brief.spec, version: brief.version }));
  return (
    <BriefSection
      eyebrow="canonical · plan"
      title="Spec"
      testId="brief-spec"
      className="brief-spec"
      aside={
        draft === null && (
          <button type="button" onClick={() => setDraft({ base: brief.spec, text: brief.spec, version: brief.version })} data-testid="edit-spec">
            <Pencil size={14} aria-hidden /> Edit
          </button>
        )
      }
    >
      {draft === null && <SpecContestedNotice brief={brief} trace={trace} append={append} />}
      {draft === null ? (
        brief.spec.trim() === '' ? (
          <p className="muted">No spec yet: Edit writes it (markdown), and every save is kept in the trace as a refinement.</p>
        ) : (
          <SafeMarkdown text={brief.spec} className="brief-spec-text" />
        )
      ) : (
        <SpecEditor brief={brief} draft={draft} onDraft={setDraft} append={append} />
      )}
    </BriefSection>
  );
}

type Conflict = { kind: 'none' } | { kind: 'changed' } | { kind: 'theirs-loaded'; mine: string };

function SpecEditor({ brief, draft, onDraft, append }: { brief: Brief; draft: Draft; onDraft: Dispatch<SetStateAction<Draft | null>>; append: OpenBrief['append'] }) {
  const id = useId();
  const store = useHostStore();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const caret = useRef<number | null>(null);
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const [conflict, setConflict] = useState<Conflict>({ kind: 'none' });
  const [error, setError] = useState<string | null>(null);
  const [isSaving, setSaving] = useState(false);
  const [isUploading, setUploading] = useState(false);
  // The palette's "Edit #N's spec" with the editor open already: the keys go back to it, on Write.
  useBriefPartRequest('spec', () => {
    setTab('write');
    textarea.current?.focus();
  });

  const save = async (base: string): Promise<void> => {
    if (brief.spec !== base) return setConflict({ kind: 'changed' });
    setSaving(true);
    setError(null);
    const sent = draft.text;
    // Conditional on the brief's version when editing began. Others' notes move the version
    // without touching the spec: then the spec is read again and, if it is still the one the
    // edit started from, the save is retried at the new version; otherwise it is a conflict.
    let version = draft.version;
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await append({ kind: 'refinement', spec: sent }, version);
      if (r.ok) {
        setSaving(false);
        // Typed on while it saved (the editor stays open meanwhile): what was saved is the new
        // base, and the rest stays in the editor, unsaved, instead of going with it.
        const saved = r.value.brief.version;
        return onDraft((d) => (d === null || d.text === sent ? null : { base: sent, text: d.text, version: saved }));
      }
      if (r.error.code !== 'brief_version_conflict') {
        setSaving(false);
        return setError(r.error.message);
      }
      const now = await store.request('briefs.get', { ref: briefRef(brief.number), limit: 1 });
      if (!now.ok || now.value.brief.spec !== base) {
        setSaving(false);
        return setConflict({ kind: 'changed' });
      }
      version = now.value.brief.version;
      if (attempt === 2) {
        setSaving(false);
        return setError('The brief keeps changing while saving; try again in a moment (your text is kept).');
      }
    }
  };

  // An upload finishes after the operator may have typed on: the markdown goes where the cursor
  // is then (or was, while Preview hides the editor), into the text as it is then, and the cursor follows it (a controlled value set by code would send it to the end).
  const insertAttachment = (a: BriefAttachment): void => {
    const md = attachmentMarkdown(a);
    const el = textarea.current;
    const selection = el ? { start: el.selectionStart, end: el.selectionEnd } : null;
    onDraft((d) => {
      if (!d) return d;
      const { start, end } = selection ?? { start: d.text.length, end: d.text.length };
      caret.current = start + md.length;
      return { ...d, text: d.text.slice(0, start) + md + d.text.slice(end) };
    });
  };
  useLayoutEffect(() => {
    if (caret.current === null || !textarea.current) return;
    textarea.current.setSelectionRange(caret.current, caret.current);
    caret.current = null;
  }, [draft.text]);
  // The editor opens on Write, and Write takes the keys whenever it is chosen again
  // (focus-on-mount.ts says why this is not autoFocus).
  useLayoutEffect(() => {
    if (tab === 'write') textarea.current?.focus();
  }, [tab]);

  return (
    <div className="spec-editor" data-testid="spec-editor">
      <div className="spec-tabs" role="group" aria-label="Spec editor">
        <button type="button" aria-pressed={tab === 'write'} onClick={() => setTab('write')}>
          Write
        </button>
        <button type="button" aria-pressed={tab === 'preview'} onClick={() => setTab('preview')} data-testid="spec-preview-tab">
          Preview
        </button>
      </div>
      {/* Kept mounted on Preview: an upload under way (its progress, a refusal's reason) outlives a look at the preview. */}
      <div hidden={tab !== 'write'}>
        <AttachmentDropZone briefRef={briefRef(brief.number)} label="…or paste a screenshot" onUploaded={insertAttachment} onBusy={setUploading}>
          <label htmlFor={`${id}-spec`} className="visually-hidden">
            Spec (markdown)
          </label>
          <textarea ref={textarea} id={`${id}-spec`} className="spec-textarea" value={draft.text} onChange={(e) => onDraft({ ...draft, text: e.target.value })} maxLength={MAX_SPEC} rows={18} />
        </AttachmentDropZone>
      </div>
      {tab === 'preview' && (
        <div className="spec-preview" data-testid="spec-preview">
          {draft.text.trim() === '' ? <p className="muted">Nothing to preview.</p> : <SafeMarkdown text={draft.text} />}
        </div>
      )}
      {conflict.kind === 'changed' && (
        <div className="brief-error spec-conflict" role="alert" data-testid="spec-conflict">
          <p>
            <strong>Someone changed the spec while you were editing.</strong> Your text is still here, unsaved. Load their version to merge by hand (yours stays beside it), or save yours over theirs.
          </p>
          <button type="button" onClick={() => (setConflict({ kind: 'theirs-loaded', mine: draft.text }), onDraft({ base: brief.spec, text: brief.spec, version: brief.version }))}>
            Load their version
          </button>
          <button type="button" onClick={() => (setConflict({ kind: 'none' }), onDraft({ base: brief.spec, text: draft.text, version: brief.version }))}>
            Keep mine (then save)
          </button>
        </div>
      )}
      {conflict.kind === 'theirs-loaded' && (
        <details className="spec-mine" open>
          <summary>Your text, as you left it</summary>
          <label htmlFor={`${id}-mine`} className="visually-hidden">
            Your text
          </label>
          <textarea id={`${id}-mine`} readOnly value={conflict.mine} rows={8} />
        </details>
      )}
      <FormError message={error} />
      <div className="spec-actions">
        <button type="button" onClick={() => onDraft(null)}>
          Cancel
        </button>
        {/* Not while a screenshot uploads: its link lands in the text once stored, and a save before would go without it. */}
        <button type="button" className="primary" disabled={isSaving || isUploading || draft.text === draft.base} onClick={() => void save(draft.base)} data-testid="save-spec">
          {isSaving ? 'Saving…' : isUploading ? 'Uploading…' : 'Save refinement'}
        </button>
      </div>
    </div>
  );
}
