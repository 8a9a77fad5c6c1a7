import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The spec in the operator's editor ($VISUAL, else $EDITOR), on a temp file prefilled with
 * the spec as it is now. The file is the operator's work: it is removed only once the host
 * has the text (or nothing changed); on any failure its path is printed so nothing is lost.
 */
export type EditedSpec = { kind: 'edited'; text: string; file: string; discard(): void } | { kind: 'failed'; message: string; file: string | null };

export function editorCommand(env: NodeJS.ProcessEnv): string | null {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || null;
}

export function editSpec(editor: string, number: number, spec: string): EditedSpec {
  const dir = mkdtempSync(join(tmpdir(), `grove-brief-${number}-`));
  const file = join(dir, 'spec.md');
  writeFileSync(file, spec, { mode: 0o600 });
  // Through the shell, as git runs $EDITOR: the variable may hold arguments ("code --wait").
  const run = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit' });
  if (run.error || run.status !== 0) {
    const why = run.error ? run.error.message : run.signal ? `was ended by ${run.signal}` : `exited with ${run.status}`;
    return { kind: 'failed', message: `The editor (${editor}) ${why}; nothing was written to #${number}. What it saved is in ${file}.`, file };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { kind: 'failed', message: `Could not read the edited spec back from ${file}: ${(e as Error).message}`, file: null };
  }
  return { kind: 'edited', text, file, discard: () => rmSync(dir, { recursive: true, force: true }) };
}
