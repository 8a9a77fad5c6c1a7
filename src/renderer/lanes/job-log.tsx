import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import './lanes.css';
import { describeStep, plainText, type JobView } from './job-state';

/**
 * One lane job as it runs: title, "[i/n] step", its command output (monospace, following
 * the end unless the reader scrolled up), and how it ended. The output of a job that had
 * already finished well when the log appeared starts folded; a running or failed one open.
 * `isOutcomeElsewhere`: the caller says how the job ended, so the log does not repeat it;
 * `startsFolded`: the caller shows the output that matters too (a failed gate's).
 */
export function JobLog({ view, isOutcomeElsewhere = false, startsFolded = false }: { view: JobView; isOutcomeElsewhere?: boolean; startsFolded?: boolean }) {
  const isRunning = view.outcome.kind === 'running';
  const hasFailed = view.outcome.kind === 'finished' && !view.outcome.ok;
  const [isOpen, setOpen] = useState((isRunning || hasFailed) && !startsFolded);
  const text = useMemo(() => plainText(view.output), [view.output]);
  const pre = useRef<HTMLPreElement>(null);
  const isFollowing = useRef(true);

  useLayoutEffect(() => {
    const el = pre.current;
    if (el && isFollowing.current) el.scrollTop = el.scrollHeight;
  }, [text, isOpen]);

  const tone = isRunning ? 'pending' : hasFailed ? 'bad' : 'ok';
  return (
    <section className={`job-log job-${tone}`} data-testid="job-log" aria-label={`Job: ${view.job.title}`} aria-busy={isRunning}>
      <header className="job-head">
        <strong>{view.job.title}</strong>
        {view.step && (
          <span className="job-step" data-testid="job-step" title={describeStep(view.step)}>
            {describeStep(view.step)}
          </span>
        )}
        <span className={`job-state state-${tone}`} data-testid="job-state">
          {view.outcome.kind === 'running' ? 'running…' : view.outcome.ok ? 'done' : 'failed'}
        </span>
        {text !== '' && (
          <button type="button" className="link-button" aria-expanded={isOpen} onClick={() => setOpen(!isOpen)}>
            {isOpen ? 'Hide output' : 'Show output'}
          </button>
        )}
      </header>
      {view.outcome.kind === 'finished' && !isOutcomeElsewhere && <p className="job-message" data-testid="job-message">{view.outcome.message}</p>}
      {isOpen && text !== '' && (
        <pre
          ref={pre}
          className="job-output"
          data-testid="job-output"
          onScroll={(e) => {
            const el = e.currentTarget;
            isFollowing.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
          }}
        >
          {view.isOutputCut && <span className="hint">[earlier output not kept]{'\n'}</span>}
          {text}
        </pre>
      )}
    </section>
  );
}
