import type { ContextUse } from '../../shared/agents';

/** Context in use against the model's window, with the warning threshold marked. */
export function ContextMeter({ context, warnAt }: { context: ContextUse; warnAt: number }) {
  const fraction = Math.min(1, context.tokens / context.window);
  const warn = context.tokens >= warnAt;
  const k = (n: number): string => `${Math.round(n / 1000)}k`;
  return (
    <span className={`context-meter${warn ? ' context-warn' : ''}`} data-testid="context-meter" title={`${context.tokens} of ${context.window} tokens${context.model ? ` (${context.model})` : ''}; warning at ${warnAt}`}>
      <span className="context-bar" role="meter" aria-valuenow={context.tokens} aria-valuemin={0} aria-valuemax={context.window} aria-label="Context in use">
        <span className="context-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
        <span className="context-mark" style={{ left: `${Math.min(100, (warnAt / context.window) * 100).toFixed(1)}%` }} />
      </span>
      <span className="context-text">{k(context.tokens)} / {k(context.window)}</span>
    </span>
  );
}
