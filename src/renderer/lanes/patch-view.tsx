import { memo, useEffect, useRef, useState } from 'react';
import { isDiffFocusShown, markDiffFocusShown } from './diff-focus';
import { pathOf, sideBySide, type Hunk, type PatchFile, type SideCell } from './parse-patch';

/**
 * A parsed patch, unified or side by side, as plain text in table cells (never as HTML).
 * A file with a very long patch starts folded so a lockfile does not bury the rest.
 */
export type PatchLayout = 'unified' | 'side-by-side';

const FOLD_ABOVE_LINES = 1500;
const SIGN = { add: '+', del: '-', context: ' ', note: '' } as const;

/** A file asked for (a path Ctrl+clicked in the lane's terminal, see diff-focus.ts). */
export interface PatchFocus {
  path: string;
  seq: number;
}

/** Memoized: the lane card around it re-renders with every line of its job's output. */
export const PatchView = memo(function PatchView({ files, layout, focus }: { files: PatchFile[]; layout: PatchLayout; focus?: PatchFocus | null }) {
  return (
    <div className={`patch patch-${layout}`} data-testid={`patch-${layout}`}>
      {files.map((f, i) => (
        <PatchFileView key={`${i}:${pathOf(f)}`} file={f} layout={layout} focusSeq={focus && (f.newPath === focus.path || f.oldPath === focus.path) ? focus.seq : null} />
      ))}
    </div>
  );
});

function PatchFileView({ file, layout, focusSeq }: { file: PatchFile; layout: PatchLayout; focusSeq: number | null }) {
  const lineCount = file.hunks.reduce((n, h) => n + h.lines.length, 0);
  const [isShown, setShown] = useState(lineCount <= FOLD_ABOVE_LINES);
  const renamed = file.oldPath !== null && file.newPath !== null && file.oldPath !== file.newPath;
  const ref = useRef<HTMLElement>(null);
  // Asked for: unfolded and brought into view once per request.
  useEffect(() => {
    if (focusSeq === null || isDiffFocusShown(focusSeq)) return;
    markDiffFocusShown(focusSeq);
    setShown(true);
    ref.current?.scrollIntoView({ block: 'start' });
  }, [focusSeq]);
  return (
    <section ref={ref} className={`patch-file${focusSeq !== null ? ' patch-file-focused' : ''}`} aria-label={`Patch of ${pathOf(file)}`} data-focused={focusSeq !== null ? 'true' : undefined}>
      <h4 className="patch-file-name">
        <code>{renamed ? `${file.oldPath} → ${file.newPath}` : pathOf(file)}</code>
      </h4>
      {file.isBinary ? (
        <p className="hint">Binary file; its content is not shown.</p>
      ) : file.hunks.length === 0 ? (
        <p className="hint">No content changes{file.meta.length ? ` (${file.meta.join('; ')})` : ''}.</p>
      ) : !isShown ? (
        <button type="button" className="link-button" onClick={() => setShown(true)}>
          Show {lineCount} lines
        </button>
      ) : (
        <table className="patch-table">
          <tbody>{file.hunks.map((h, i) => (layout === 'unified' ? <UnifiedHunk key={i} hunk={h} /> : <SideBySideHunk key={i} hunk={h} />))}</tbody>
        </table>
      )}
    </section>
  );
}

function UnifiedHunk({ hunk }: { hunk: Hunk }) {
  return (
    <>
      <tr className="hunk-header">
        <td colSpan={3}>{hunk.header}</td>
      </tr>
      {hunk.lines.map((l, i) => (
        <tr key={i} className={`line-${l.kind}`}>
          <td className="line-no">{l.oldNo ?? ''}</td>
          <td className="line-no">{l.newNo ?? ''}</td>
          <td className="line-text">
            {l.kind !== 'note' && <span className="line-sign" aria-hidden="true">{SIGN[l.kind]}</span>}
            {l.text}
          </td>
        </tr>
      ))}
    </>
  );
}

function SideBySideHunk({ hunk }: { hunk: Hunk }) {
  return (
    <>
      <tr className="hunk-header">
        <td colSpan={4}>{hunk.header}</td>
      </tr>
      {sideBySide(hunk).map((row, i) =>
        row.kind === 'note' ? (
          <tr key={i} className="line-note">
            <td colSpan={4}>{row.text}</td>
          </tr>
        ) : (
          <tr key={i}>
            <Side cell={row.left} />
            <Side cell={row.right} />
          </tr>
        ),
      )}
    </>
  );
}

function Side({ cell }: { cell: SideCell | null }) {
  if (!cell) {
    return (
      <>
        <td className="line-no line-empty" />
        <td className="line-text line-empty" />
      </>
    );
  }
  return (
    <>
      <td className={`line-no line-${cell.kind}`}>{cell.no}</td>
      <td className={`line-text line-${cell.kind}`}>{cell.text}</td>
    </>
  );
}
