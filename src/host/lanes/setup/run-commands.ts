import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { envSecretMask, envSecretValues } from '../../env-secrets';
import { createStreamMask, type StreamMask } from '../../stream-mask';
import { COMMAND_GROUP_VAR, type CommandGroups } from './command-groups';
import { endGroup } from './end-group';

/**
 * Runs a recipe's command list (grove.yaml `setup.preCreate`, `postCreate`, `teardown`)
 * one after another, stopping at the first failure. These are the team's own commands, so
 * each runs with `sh -c`; each gets its own process group (detached) so that a timeout or
 * an abort can end everything it started, not just the shell. stdin is closed: a command
 * that asks a question fails instead of hanging until the timeout.
 *
 * A command is over when its shell exits. Background processes it left behind are not
 * waited for beyond a short drain of the output they still hold, and not killed: a step
 * may start a service on purpose. Only a timeout or an abort ends the whole group, and
 * then the outcome is returned once no process of the group (or a descendant of one) is
 * left.
 *
 * Expected failures (a non-zero exit, a timeout, an abort, a missing working directory, a
 * shell that cannot start) come back as values; Grove's own notes about them are written
 * to `onOutput` as well, so the tail and the streamed log tell the same story.
 */
export type CommandsOutcome =
  | { ok: true }
  | {
      ok: false;
      command: string;
      /** Index of the failed command in the list. */
      index: number;
      /** The shell's exit code; null when it was killed by a signal or never ran. */
      exitCode: number | null;
      timedOut: boolean;
      aborted: boolean;
      /** The last 8 KiB (8192 UTF-16 code units) of the failed command's output and Grove's note. */
      outputTail: string;
    };

/**
 * How a failed outcome's command ended, in a few words for a job's last line or an error's
 * first: "timed out", "was cut short" (cancelled, or the host stopping), "exited with 2";
 * its output's tail says more, and alone says why when there is no exit code (a signal,
 * a missing directory, a shell that could not start).
 */
export function howItEnded(o: { exitCode: number | null; timedOut: boolean; aborted: boolean }): string {
  if (o.timedOut) return 'timed out';
  if (o.aborted) return 'was cut short';
  return o.exitCode === null ? 'did not finish (its output says why)' : `exited with ${o.exitCode}`;
}

export interface RunCommandsOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Per command. */
  timeoutMs: number;
  /** Called before each command starts. */
  onStep(index: number, total: number, command: string): void;
  /** stdout and stderr, decoded as UTF-8, in the order they arrive. */
  onOutput(data: string): void;
  signal?: AbortSignal;
  /** Where each command's process group is recorded while it runs, so a host killed meanwhile leaves word of it for the next (see command-groups.ts). */
  groups?: CommandGroups;
  /** Runs each `sh -c` inside something else (a confinement, confine/command-confinement.ts); it may throw to refuse. */
  wrap?: CommandWrap;
  /** The host's own secrets (the logger's mask); the values of `env`'s secret-named variables are masked in the output always. */
  mask?: (text: string) => string;
}

export type CommandWrap = (file: string, args: string[], env: NodeJS.ProcessEnv) => { file: string; args: string[]; env: NodeJS.ProcessEnv };

export const RunConstants = {
  /** After SIGTERM, how long the group has to exit before SIGKILL. */
  killGraceMs: 3000,
  /** After SIGKILL, how long to wait for the kernel to take the processes away. */
  killWaitMs: 2000,
  /** After the shell exits, how long to wait for background processes to close the output pipes. */
  drainMs: 500,
  tailChars: 8 * 1024,
} as const;

export async function runCommands(commands: readonly string[], o: RunCommandsOptions): Promise<CommandsOutcome> {
  const masked = envSecretMask(o.env, o.mask);
  const secrets = envSecretValues(o.env);
  for (const [index, command] of commands.entries()) {
    const tail = new OutputTail();
    const emit = (shown: string): void => {
      if (shown === '') return;
      tail.push(shown);
      o.onOutput(shown);
    };
    /** Grove's own lines about the command. */
    const out = (data: string): void => emit(masked(data));
    /** Each of the command's pipes, masked as a stream: a secret split across two reads is masked too. */
    const pipeOut = (): StreamMask => createStreamMask(masked, emit, { secrets });
    const fail = (exitCode: number | null, extra: { timedOut?: boolean; aborted?: boolean } = {}): CommandsOutcome => ({
      ok: false,
      command,
      index,
      exitCode,
      timedOut: extra.timedOut ?? false,
      aborted: extra.aborted ?? false,
      outputTail: tail.text(),
    });

    if (o.signal?.aborted) {
      out(note(`cancelled before \`${command}\` started`));
      return fail(null, { aborted: true });
    }
    o.onStep(index, commands.length, command);
    if (!(await isDirectory(o.cwd))) {
      out(note(`cannot run \`${command}\`: the working directory ${o.cwd} does not exist`));
      return fail(null);
    }
    const end = await runOne(command, o, pipeOut);
    switch (end.kind) {
      case 'exited':
        if (end.code === 0) continue;
        // Killed once the host's stop closed the groups: the stop ended it (command-groups.ts).
        if (end.code === null && o.groups?.isClosed()) {
          out(note(`\`${command}\` was ended by the host's stop (${end.signal ?? 'a signal'})`));
          return fail(null, { aborted: true });
        }
        out(note(end.code === null ? `\`${command}\` was killed by ${end.signal ?? 'a signal'}` : `\`${command}\` exited with code ${end.code}`));
        return fail(end.code);
      case 'spawn-failed':
        out(note(`could not start \`${command}\`${o.wrap ? '' : ' with sh'}: ${end.message}`));
        return fail(null);
      case 'refused':
        out(note(`did not start \`${command}\`: the host is stopping`));
        return fail(null, { aborted: true });
      case 'timed-out':
        out(note(`\`${command}\` ran longer than ${formatMs(o.timeoutMs)}: stopped it and every process it started${survivorsNote(end.survivors)}`));
        return fail(null, { timedOut: true });
      case 'aborted':
        out(note(`cancelled: stopped \`${command}\` and every process it started${survivorsNote(end.survivors)}`));
        return fail(null, { aborted: true });
    }
  }
  return { ok: true };
}

type StepEnd =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'spawn-failed'; message: string }
  | { kind: 'refused' }
  | { kind: 'timed-out'; survivors: number[] }
  | { kind: 'aborted'; survivors: number[] };

async function runOne(command: string, o: RunCommandsOptions, pipeOut: () => StreamMask): Promise<StepEnd> {
  // The host's stop has ended the commands that ran: this one would outlive the host (command-groups.ts).
  if (o.groups?.isClosed()) return { kind: 'refused' };
  let child: ChildProcess;
  const marker = randomUUID();
  const env = o.groups ? { ...o.env, [COMMAND_GROUP_VAR]: marker } : o.env;
  try {
    const run = o.wrap ? o.wrap('sh', ['-c', command], env) : { file: 'sh', args: ['-c', command], env };
    child = spawn(run.file, run.args, { cwd: o.cwd, env: run.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return { kind: 'spawn-failed', message: (e as Error).message };
  }
  // Recorded until the step is over, whatever way it ends; kept while any of it survived its
  // end, so the next host's start ends that (command-groups.ts).
  if (o.groups && child.pid !== undefined) o.groups.started(marker, child.pid, command);
  let end: StepEnd | undefined;
  try {
    end = await runSpawned(child, o, pipeOut, o.groups ? marker : null);
    return end;
  } finally {
    const survived = end !== undefined && 'survivors' in end && end.survivors.length > 0;
    // Once the host's stop has closed the groups, the record is the stop's to forget: it is
    // ending this command's processes, and keeps the record of any that survive its SIGKILL
    // even when the shell itself is gone.
    if (o.groups && child.pid !== undefined && !survived && !o.groups.isClosed()) o.groups.ended(marker);
  }
}

/** `marker`: the command group's, carried in every process it started (null: not recorded). */
async function runSpawned(child: ChildProcess, o: RunCommandsOptions, pipeOut: () => StreamMask, marker: string | null): Promise<StepEnd> {
  const sinks: StreamMask[] = [];
  const streamsClosed = Promise.all(
    [child.stdout, child.stderr].map((s) => {
      if (!s) return Promise.resolve();
      const sink = pipeOut();
      sinks.push(sink);
      return pipeText(s, sink);
    }),
  );
  // Whatever the pipes still hold goes out before the step's end is told.
  const stopListening = (): void => {
    child.stdout?.destroy();
    child.stderr?.destroy();
    for (const sink of sinks) sink.end();
  };

  const exited = new Promise<StepEnd>((resolve) => {
    child.once('exit', (code, signal) => resolve({ kind: 'exited', code, signal }));
    child.once('error', (e) => resolve({ kind: 'spawn-failed', message: e.message }));
  });
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const interrupted = new Promise<'timed-out' | 'aborted'>((resolve) => {
    timer = setTimeout(() => resolve('timed-out'), o.timeoutMs);
    onAbort = () => resolve('aborted');
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener('abort', onAbort, { once: true });
  });

  const first = await Promise.race([exited, interrupted]);
  clearTimeout(timer);
  if (onAbort) o.signal?.removeEventListener('abort', onAbort);

  if (typeof first !== 'string') {
    // The shell is gone; give what it printed a moment to arrive, then stop listening.
    await Promise.race([streamsClosed, sleep(RunConstants.drainMs)]);
    stopListening();
    return first;
  }
  const survivors = child.pid === undefined ? [] : await endGroup(child.pid, marker, { graceMs: RunConstants.killGraceMs, waitMs: RunConstants.killWaitMs });
  await Promise.race([exited, sleep(RunConstants.killWaitMs)]);
  await Promise.race([streamsClosed, sleep(RunConstants.drainMs)]);
  stopListening();
  return { kind: first, survivors };
}

/** Streams a pipe as text; a character split across chunks is held until it is whole. */
function pipeText(stream: NodeJS.ReadableStream, sink: StreamMask): Promise<void> {
  const decoder = new StringDecoder('utf8');
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => sink.push(decoder.write(chunk)));
    stream.once('close', () => {
      sink.push(decoder.end());
      sink.end();
      resolve();
    });
    stream.once('error', () => {
      sink.end();
      resolve();
    });
  });
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The last `tailChars` of what was written, never starting in the middle of a surrogate pair. */
class OutputTail {
  private buf = '';
  push(data: string): void {
    this.buf += data;
    if (this.buf.length > 4 * RunConstants.tailChars) this.buf = this.buf.slice(-RunConstants.tailChars);
  }
  text(): string {
    const t = this.buf.slice(-RunConstants.tailChars);
    const first = t.charCodeAt(0);
    return first >= 0xdc00 && first <= 0xdfff ? t.slice(1) : t;
  }
}

const note = (text: string): string => `\n[grove] ${text}\n`;
const survivorsNote = (pids: readonly number[]): string => (pids.length ? ` (still running after SIGKILL: pid ${pids.join(', ')})` : '');
const formatMs = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
