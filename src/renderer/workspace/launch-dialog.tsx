import { useEffect, useState, type FormEvent } from 'react';
import type { Confinement, PresetId, StartAgentParams } from '../../shared/agents';
import type { ResultOf } from '../../shared/methods';
import { useHostStore } from '../connection/use-host';
import { Dialog } from '../ui/dialog';
import { ConfinementLine } from './confinement-line';

/**
 * Launch an agent in a lane already chosen (the workspace it was opened from): preset, program, arguments. Arguments are one per line, so a prompt with
 * spaces stays one argument. Variables listed under "withhold" are removed from the
 * agent's environment (a key-less lane); their values are never shown here. "Confine to
 * the lane" is on unless the operator turns it off, and the line under it says what the host
 * will actually do (it may be unable to confine at all, and says why).
 */
const PRESETS: { id: PresetId; label: string }[] = [
  { id: 'claude', label: 'Claude Code' },
  { id: 'codex', label: 'Codex' },
  { id: 'shell', label: 'Shell' },
  { id: 'custom', label: 'Custom command' },
];

export function LaunchDialog({ lane, open, onOpenChange, onLaunched }: { lane: string; open: boolean; onOpenChange: (open: boolean) => void; onLaunched: (agentId: string) => void }) {
  const store = useHostStore();
  const [preset, setPreset] = useState<PresetId>('custom');
  const [command, setCommand] = useState('');
  const [args, setArgs] = useState('');
  const [withhold, setWithhold] = useState('');
  const [confine, setConfine] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<ResultOf<'agents.preview'> | null>(null);
  // How the host would run it outlives a preview that fails (a command still being typed):
  // it depends on the lane and the machine, not on the program.
  const [confinement, setConfinement] = useState<Confinement | null>(null);
  const params: StartAgentParams = {
    lanePath: lane,
    preset,
    ...(command.trim() ? { command: command.trim() } : {}),
    ...(args.trim() ? { args: args.split('\n').filter((a) => a !== '') } : {}),
    ...(withhold.trim() ? { withholdEnv: withhold.split(/[\s,]+/).filter(Boolean) } : {}),
  };
  const key = JSON.stringify(params);
  // What the launch would run, checked by the host as the launch itself would be. An answer
  // for fields changed since is dropped. It is asked without `unconfined`: its confinement
  // then says whether the host can confine at all, which the checkbox alone cannot change.
  useEffect(() => {
    let isStale = false;
    const timer = setTimeout(() => {
      void store.connection.call('agents.preview', JSON.parse(key) as StartAgentParams).then((r) => {
        if (isStale) return;
        setPreview(r.ok ? r.value : null);
        if (r.ok) setConfinement(r.value.confinement);
        setError(r.ok ? null : r.error.message);
      });
    }, 250);
    return () => {
      isStale = true;
      clearTimeout(timer);
    };
  }, [key, store]);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const r = await store.request('agents.start', { ...params, ...(confine ? {} : { unconfined: true }) });
    if (r.ok) {
      onOpenChange(false);
      onLaunched(r.value.agent.id);
    } else setError(r.error.message);
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Launch an agent" description={<>In <code>{lane}</code></>}>
    <form className="launch-dialog" aria-label="Launch an agent" onSubmit={(e) => void submit(e)}>
      <label>
        Preset
        <select value={preset} onChange={(e) => setPreset(e.target.value as PresetId)}>
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>{p.label}</option>
          ))}
        </select>
      </label>
      <label>
        Command {preset === 'custom' ? '(required)' : '(optional: overrides the preset’s program)'}
        <input value={command} onChange={(e) => setCommand(e.target.value)} spellCheck={false} />
      </label>
      <label>
        Arguments, one per line
        <textarea value={args} onChange={(e) => setArgs(e.target.value)} rows={2} spellCheck={false} />
      </label>
      <label>
        Withhold these environment variables (key-less lane)
        <input value={withhold} onChange={(e) => setWithhold(e.target.value)} placeholder="OPENROUTER_API_KEY, AWS_SECRET_ACCESS_KEY" spellCheck={false} />
      </label>
      <ConfinementLine confinement={confinement} confine={confine} onConfineChange={setConfine} />
      {preview && (
        <details className="env-preview" data-testid="env-preview">
          <summary>
            Runs <code>{[preview.command, ...preview.args].join(' ')}</code> with {preview.env.length} environment variables
            {preview.withheld.length > 0 && <> ({preview.withheld.length} withheld: {preview.withheld.join(', ')})</>}
          </summary>
          <dl>
            {preview.env.map((v) => (
              <div key={v.name} className={v.masked ? 'env-masked' : undefined}>
                <dt>{v.name}</dt>
                <dd>{v.value}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
      {error && <p className="error" role="alert" data-testid="launch-error">{error}</p>}
      <div className="dialog-actions">
        <button type="button" onClick={() => onOpenChange(false)}>Cancel</button>
        <button type="submit" className="primary">Launch</button>
      </div>
    </form>
    </Dialog>
  );
}
