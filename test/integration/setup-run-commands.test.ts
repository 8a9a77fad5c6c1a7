import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandGroups } from '../../src/host/lanes/setup/command-groups';
import { runCommands, type CommandsOutcome, type RunCommandsOptions } from '../../src/host/lanes/setup/run-commands';
import { isProcessRunning, listProcesses } from '../../src/host/terminals/process-tree';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { killLeftovers, known, type KnownProcess } from '../fixtures/leftover-processes';

/**
 * The setup command runner against real shells: order, streaming, failure, and the
 * promise that a timeout or a cancel leaves no process behind, even one that ignores
 * SIGTERM.
 */
const leftovers: KnownProcess[] = [];
afterEach(() => {
  killLeftovers(leftovers);
  removeTempDirs();
});

interface Run {
  outcome: CommandsOutcome;
  output: string;
  steps: string[];
}

function run(commands: string[], extra: Partial<RunCommandsOptions> = {}): { done: Promise<Run>; output: () => string } {
  let output = '';
  const steps: string[] = [];
  const done = runCommands(commands, {
    cwd: makeTempDir(),
    env: { ...process.env },
    timeoutMs: 10_000,
    onStep: (i, n, c) => steps.push(`${i + 1}/${n} ${c}`),
    onOutput: (d) => (output += d),
    ...extra,
  }).then((outcome) => ({ outcome, output, steps }));
  return { done, output: () => output };
}

const groupOf = (pgid: number): number[] => listProcesses().filter((p) => p.pgid === pgid && isProcessRunning(p.pid)).map((p) => p.pid);

/** A command whose background child ignores SIGTERM; prints `group <pgid> child <pid>`. */
const STUBBORN = `sh -c 'trap "" TERM; while :; do sleep 1; done' & echo "group $$ child $!"; wait`;
const pidsIn = (output: string): { group: number; child: number } => {
  const m = /group (\d+) child (\d+)/.exec(output);
  if (!m) throw new Error(`no pids in ${JSON.stringify(output)}`);
  return { group: Number(m[1]), child: Number(m[2]) };
};

describe('runCommands', () => {
  it('runs the commands in order in cwd with the env given, and streams stdout and stderr as they arrive', async () => {
    const cwd = makeTempDir();
    const { outcome, output, steps } = await run(
      // Two pipes have no order between them but time: the pauses are far longer than the
      // host's quiet-flush of masked output (150 ms), and than a loaded machine's stalls.
      ['echo "out $GREETING"; sleep 0.5; echo err >&2; sleep 0.5; echo out-again', 'pwd; touch made'],
      { cwd, env: { ...process.env, GREETING: 'hello' } },
    ).done;
    expect(outcome).toEqual({ ok: true });
    expect(output).toBe(`out hello\nerr\nout-again\n${cwd}\n`);
    expect(steps).toEqual(['1/2 echo "out $GREETING"; sleep 0.5; echo err >&2; sleep 0.5; echo out-again', '2/2 pwd; touch made']);
    expect(existsSync(join(cwd, 'made'))).toBe(true);
  });

  it('stops at the first failing command and reports it with its output', async () => {
    const cwd = makeTempDir();
    const { outcome, steps } = await run(['echo one', 'echo broken >&2; exit 3', 'touch never'], { cwd }).done;
    expect(outcome).toMatchObject({ ok: false, index: 1, command: 'echo broken >&2; exit 3', exitCode: 3, timedOut: false, aborted: false });
    expect(outcome.ok === false && outcome.outputTail).toMatch(/^broken\n[\s\S]*exited with code 3/);
    expect(steps).toHaveLength(2);
    expect(existsSync(join(cwd, 'never'))).toBe(false);
  });

  it('decodes a character split across two writes', async () => {
    const { outcome, output } = await run([String.raw`printf '\303'; sleep 0.2; printf '\251t\342\202'; sleep 0.2; printf '\254\n'`]).done;
    expect(outcome.ok).toBe(true);
    expect(output).toBe('ét€\n');
  });

  it('closes stdin, so a command that asks a question does not wait for an answer', async () => {
    const { outcome, output } = await run(['read answer; echo "got [$answer]"'], { timeoutMs: 5000 }).done;
    expect(outcome.ok).toBe(true);
    expect(output).toBe('got []\n');
  });

  it('keeps the last 8 KiB of the failed command as the tail', async () => {
    const { outcome, output } = await run(['echo first-command-output', 'i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done; exit 1']).done;
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.outputTail.length).toBe(8192);
    expect(output.endsWith(outcome.outputTail)).toBe(true);
    expect(outcome.outputTail).toContain('line 1999\n');
    expect(outcome.outputTail).not.toContain('first-command-output');
  });

  it('reports a missing working directory as a failure, not a throw', async () => {
    const cwd = join(makeTempDir(), 'gone');
    const { outcome } = await run(['echo hi'], { cwd }).done;
    expect(outcome).toMatchObject({ ok: false, index: 0, exitCode: null, timedOut: false, aborted: false });
    expect(outcome.ok === false && outcome.outputTail).toContain(`the working directory ${cwd} does not exist`);
  });

  it('masks the values of the env\'s secret-named variables in what it streams and in the tail', async () => {
    const secret = 'sk-live-9c1e5a7f3b2d';
    const r = run(['echo "key is $DEMO_API_KEY"; exit 4'], { env: { ...process.env, DEMO_API_KEY: secret } });
    const { outcome, output } = await r.done;
    expect(output).toContain('key is ');
    expect(output).not.toContain(secret);
    expect(outcome.ok === false && outcome.outputTail).toContain('key is ');
    expect(outcome.ok === false && outcome.outputTail).not.toContain(secret);
  });

  it('masks a secret the command writes in two pieces (two reads of the pipe), not only a whole one', async () => {
    const secret = 'sk-live-9c1e5a7f3b2d';
    // The first 12 characters, a pause, then the last 8: the host reads them apart.
    const r = run(['printf \'key is %s\' "${DEMO_API_KEY%????????}"; sleep 0.05; printf \'%s, done\\n\' "${DEMO_API_KEY#????????????}"'], { env: { ...process.env, DEMO_API_KEY: secret } });
    const { outcome, output } = await r.done;
    expect(outcome.ok).toBe(true);
    expect(output).toBe('key is sk…(masked), done\n');
  });

  it('on a timeout ends the whole process group, SIGKILL for a child that ignores SIGTERM', async () => {
    const started = Date.now();
    const r = run([STUBBORN, 'touch never'], { timeoutMs: 500 });
    await expect.poll(r.output).toMatch(/child \d+/);
    const { group, child } = pidsIn(r.output());
    leftovers.push(known(child));
    expect(isProcessRunning(child)).toBe(true);
    const { outcome, steps } = await r.done;
    expect(outcome).toMatchObject({ ok: false, index: 0, exitCode: null, timedOut: true, aborted: false });
    expect(outcome.ok === false && outcome.outputTail).toContain('ran longer than 500 ms');
    // The child outlived SIGTERM: only SIGKILL, after the 3 s grace, ended it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(isProcessRunning(child)).toBe(false);
    expect(groupOf(group)).toEqual([]);
    expect(steps).toHaveLength(1);
  });

  it('on a timeout ends, by its marker, a process that left the group and the tree (setsid in a subshell); the record goes once all are gone', async () => {
    const recorded = new Map<string, number>();
    const groups: CommandGroups = { isClosed: () => false, started: (marker, pid) => void recorded.set(marker, pid), ended: (marker) => void recorded.delete(marker) };
    const r = run([`(setsid sleep 3127 & echo "escaped $!"); sleep 30`], { timeoutMs: 500, groups });
    await expect.poll(r.output).toMatch(/escaped \d+/);
    const escaped = Number(/escaped (\d+)/.exec(r.output())![1]);
    leftovers.push(known(escaped));
    expect(isProcessRunning(escaped)).toBe(true);
    expect(recorded.size).toBe(1);
    const { outcome } = await r.done;
    expect(outcome).toMatchObject({ ok: false, timedOut: true });
    expect(isProcessRunning(escaped)).toBe(false);
    expect(recorded.size).toBe(0);
  });

  it('on abort ends the group at once and runs nothing more', async () => {
    const cwd = makeTempDir();
    const controller = new AbortController();
    const r = run(['sleep 30 & echo "group $$ child $!"; wait', 'touch never'], { cwd, signal: controller.signal });
    await expect.poll(r.output).toMatch(/child \d+/);
    const { group, child } = pidsIn(r.output());
    leftovers.push(known(child));
    controller.abort();
    const { outcome } = await r.done;
    expect(outcome).toMatchObject({ ok: false, index: 0, exitCode: null, timedOut: false, aborted: true });
    expect(isProcessRunning(child)).toBe(false);
    expect(groupOf(group)).toEqual([]);
    expect(existsSync(join(cwd, 'never'))).toBe(false);
  });

  it('does not start anything once aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { outcome, steps } = await run(['echo hi'], { signal: controller.signal }).done;
    expect(outcome).toMatchObject({ ok: false, index: 0, aborted: true });
    expect(steps).toEqual([]);
  });

  it('moves on when the shell exits, even if a background process still holds the output', async () => {
    const started = Date.now();
    const { outcome, output } = await run(['sleep 30 & echo "group $$ child $!"', 'echo next']).done;
    const { child } = pidsIn(output);
    leftovers.push(known(child));
    expect(outcome.ok).toBe(true);
    expect(output).toMatch(/next\n$/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
