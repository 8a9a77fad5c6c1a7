import { ephemeralLaneName } from '../../../shared/ephemeral-lane-name';
import { Send, FileText } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import { useBriefPartForm } from '../use-brief-part-form';
import type { AgentRole, PresetId } from '../../../shared/agents';
import type { Brief } from '../../../shared/briefs';
import type { Dispatch, Packet } from '../../../shared/dispatch';
import { useHost, useHostStore } from '../../connection/use-host';
import { briefRef } from '../brief-labels';
import { FormError } from '../form-error';
import { useWrite } from '../use-write';
import {
  DISPATCH_PRESETS,
  EPHEMERAL,
  defaultDispatchForm,
  dispatchRequestOf,
  primaryProjectOf,
  repoForDispatch,
  chosenRepo,
  repoChoice,
  standingLanesOf,
  withValidTarget,
  type DispatchForm as Form,
} from './dispatch-form-model';

/**
 * The Dispatch form: where (a standing lane of the brief's repository, or a new ephemeral
 * lane), which agent and role, a design pass first, auto-dispatch once planned; Dispatch asks
 * the host (`dispatch.create`), Packet reads the copy-paste packet alone (`briefs.packet`).
 * Repositories and lanes come from the cockpit's store, kept live by their events.
 */
export function DispatchForm({ brief, onDispatched, onPacket }: { brief: Brief; onDispatched: (d: Dispatch, p: Packet) => void; onPacket: (p: Packet) => void }) {
  const formRef = useBriefPartForm('dispatch');
  const id = useId();
  const store = useHostStore();
  const { repos, lanes } = useHost();
  const [chosen, setForm] = useState<Form>(defaultDispatchForm);
  const [problem, setProblem] = useState<string | null>(null);
  /** Said to a screen reader once a dispatch is made: the rest of the panel changes below the button. */
  const [announcement, setAnnouncement] = useState('');
  // One write for both buttons: the message shown is always the latest answer's.
  const write = useWrite();
  const repo = repoForDispatch(brief, repos ?? [], chosen.pickedRepoId);
  const named = chosenRepo(repo);
  const standing = standingLanesOf(named?.id ?? null, lanes ?? []);
  // Several named like the project: the pick is among them, each told apart by its path.
  const choice = repoChoice(brief, repos ?? []);
  const form = withValidTarget(chosen, standing);
  const set = (patch: Partial<Form>): void => {
    setProblem(null);
    setForm({ ...form, ...patch });
  };
  const project = primaryProjectOf(brief);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (write.isBusy) return;
    const request = dispatchRequestOf(form, brief, repo);
    if (!request.ok) return setProblem(request.error);
    setProblem(null);
    write.run(() => store.request('dispatch.create', request.value), (v) => {
      setAnnouncement(`Dispatch requested, wave ${v.dispatch.wave}: ${v.dispatch.state}. The copy-paste packet is below.`);
      onDispatched(v.dispatch, v.packet);
    });
  };
  const showPacket = (): void => {
    if (write.isBusy) return;
    write.run(() => store.request('briefs.packet', { ref: briefRef(brief.number), ...(form.target === EPHEMERAL ? {} : { lane: form.target }) }), onPacket);
  };

  return (
    <form className="dispatch-form" onSubmit={submit} aria-label={`Dispatch brief ${briefRef(brief.number)}`} data-testid="dispatch-form" ref={formRef}>
      {repos !== null && repo.kind !== 'matched' && (
        <div className="dispatch-field dispatch-repo" data-testid="dispatch-repo">
          <p className="dispatch-note" id={`${id}-repo-note`}>
            {project === null ? 'The brief has no project.' : choice.several ? `Several repositories here are named ${project}.` : `No repository here is named ${project}.`}{' '}
            {repos.length === 0 ? 'Add a repository first: agents work in its lanes.' : 'Pick the repository to dispatch into:'}
          </p>
          {repos.length > 0 && (
            <>
              <label htmlFor={`${id}-repo`}>Repository</label>
              <select id={`${id}-repo`} aria-describedby={`${id}-repo-note`} value={form.pickedRepoId ?? ''} onChange={(e) => set({ pickedRepoId: e.target.value || null, target: EPHEMERAL })}>
                <option value="">Pick a repository…</option>
                {choice.repos.map((r) => (
                  <option key={r.id} value={r.id}>
                    {choice.several ? `${r.name} — ${r.mainPath}` : r.name}
                  </option>
                ))}
              </select>
            </>
          )}
        </div>
      )}
      <div className="dispatch-fields">
        <div className="dispatch-field dispatch-target">
          <label htmlFor={`${id}-target`}>Target</label>
          <select id={`${id}-target`} value={form.target} onChange={(e) => set({ target: e.target.value })} data-testid="dispatch-target">
            <option value={EPHEMERAL}>New ephemeral lane {ephemeralLaneName(brief.number, brief.title)}</option>
            {standing.length > 0 && (
              <optgroup label={named === null ? 'Standing lanes' : `Standing lanes of ${named.name}`}>
                {standing.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </div>
        <div className="dispatch-field">
          <label htmlFor={`${id}-preset`}>Agent kind</label>
          <select id={`${id}-preset`} value={form.preset} onChange={(e) => set({ preset: e.target.value as PresetId })} data-testid="dispatch-preset">
            {DISPATCH_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <div className="dispatch-field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={form.role} onChange={(e) => set({ role: e.target.value as AgentRole })} data-testid="dispatch-role">
            <option value="worker">worker</option>
            <option value="orchestrator">orchestrator</option>
          </select>
        </div>
        {form.preset === 'custom' && (
          <div className="dispatch-field dispatch-command">
            <label htmlFor={`${id}-command`}>Command</label>
            <input
              id={`${id}-command`}
              value={form.command}
              onChange={(e) => set({ command: e.target.value })}
              placeholder="/path/to/agent"
              spellCheck={false}
              autoComplete="off"
              aria-required="true"
              data-testid="dispatch-command"
            />
          </div>
        )}
        {form.preset === 'custom' && (
          <div className="dispatch-field dispatch-command">
            <label htmlFor={`${id}-args`}>Arguments, one per line (the packet comes last)</label>
            <textarea id={`${id}-args`} value={form.args} onChange={(e) => set({ args: e.target.value })} rows={2} spellCheck={false} data-testid="dispatch-args" />
          </div>
        )}
      </div>
      <div className="dispatch-checks">
        <label className="dispatch-check">
          <input type="checkbox" checked={form.auto} onChange={(e) => set({ auto: e.target.checked })} data-testid="dispatch-auto" />
          <span>
            <strong>Auto-dispatch</strong> <span className="muted">when it reaches planned</span>
          </span>
        </label>
        <label className="dispatch-check">
          <input type="checkbox" checked={form.designFirst} onChange={(e) => set({ designFirst: e.target.checked })} data-testid="dispatch-design-first" />
          <span>
            <strong>Design-loop</strong> <span className="muted">design pass before build</span>
          </span>
        </label>
      </div>
      <div className="dispatch-actions">
        <button type="button" onClick={showPacket} aria-disabled={write.isBusy} data-testid="dispatch-packet-button">
          <FileText size={14} aria-hidden /> Packet
        </button>
        <button type="submit" className="primary" aria-disabled={write.isBusy} disabled={repos !== null && repos.length === 0} data-testid="dispatch-submit">
          <Send size={14} aria-hidden /> Dispatch
        </button>
      </div>
      <FormError message={problem ?? write.error} />
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
    </form>
  );
}
