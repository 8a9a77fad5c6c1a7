import { FormError } from './form-error';
import { useId, useState, type FormEvent } from 'react';
import { useWrite } from './use-write';
import { BRIEF_KINDS, MAX_TITLE, type BriefKindName } from '../../shared/brief-constants';
import { useHostStore } from '../connection/use-host';
import { Dialog } from '../ui/dialog';
import { focusOnMount } from '../ui/focus-on-mount';

/**
 * "New brief": a title, a kind, the project and (optionally) the spec. The brief is created
 * as the operator, through the UI (`via: 'ui'`), and its page opens.
 */
export function NewBriefDialog({ open, onOpenChange, projects, defaultProject, onCreated }: { open: boolean; onOpenChange: (open: boolean) => void; projects: string[]; defaultProject: string | null; onCreated: (number: number) => void }) {
  const store = useHostStore();
  const id = useId();
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<BriefKindName>('feature');
  const [project, setProject] = useState(defaultProject ?? projects[0] ?? '');
  const [spec, setSpec] = useState('');
  const write = useWrite();

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    write.run(() => store.request('briefs.create', { title, kind, spec, projects: project.trim() ? [project.trim()] : [], via: 'ui' }), (created) => {
      onOpenChange(false);
      onCreated(created.brief.number);
    });
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="New brief" description="What should be done, and for which project. The spec can be written now or later." wide>
      <form className="brief-form" onSubmit={submit} data-testid="new-brief-form">
        <label htmlFor={`${id}-title`}>Title</label>
        <input id={`${id}-title`} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={MAX_TITLE} required ref={focusOnMount} placeholder="Give design its own worktree" />
        <div className="brief-form-row">
          <div>
            <label htmlFor={`${id}-kind`}>Kind</label>
            <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as BriefKindName)}>
              {BRIEF_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={`${id}-project`}>Project</label>
            <input id={`${id}-project`} value={project} onChange={(e) => setProject(e.target.value)} list={`${id}-projects`} placeholder="flower" />
            <datalist id={`${id}-projects`}>
              {projects.map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
          </div>
        </div>
        <label htmlFor={`${id}-spec`}>Spec (markdown, optional)</label>
        <textarea id={`${id}-spec`} value={spec} onChange={(e) => setSpec(e.target.value)} rows={8} />
        <FormError message={write.error} />
        <div className="dialog-actions">
          <button type="button" onClick={() => onOpenChange(false)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={write.isBusy || title.trim() === ''}>
            Create brief
          </button>
        </div>
      </form>
    </Dialog>
  );
}
