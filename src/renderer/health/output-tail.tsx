import './health.css';

/** The end of a command's output (a probe's, a gate's, a diff's): its last lines, in one look. */
const SHOWN_LINES = 20;

export function lastLines(text: string, lines = SHOWN_LINES): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export function OutputTail({ text, label, lines, testId }: { text: string; label: string; lines?: number; testId?: string }) {
  return (
    // Focusable so a keyboard can scroll it; the label says whose output it is.
    <pre className="output-tail" tabIndex={0} aria-label={label} data-testid={testId}>
      {lastLines(text, lines)}
    </pre>
  );
}
