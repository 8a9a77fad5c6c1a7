import type { CommandChange } from '../../shared/trust';
import { describeChanges } from '../trust/command-digest';
import { constants } from 'node:os';
import type { AgentInfo } from '../../shared/agents';
import type { Incident } from '../../shared/incidents';
import type { MergeRecord } from '../../shared/lanes';
import { renderedLines } from '../terminals/screen/rendered-lines';

/**
 * What a notification says, in plain words that name the repository, lane and agent: a
 * title to read at a glance and a body with the one line that explains it ("artisan:
 * exit 255 — PHP Fatal error: …"). Pure; notification-rules.ts decides when to say it.
 */
export interface Words {
  title: string;
  body: string;
}

/** A notification shows one line of output; longer ones are cut. */
const LINE_CHARS = 200;

/**
 * The last line a person would read in some terminal output, as their terminal drew it
 * (see rendered-lines.ts for why a terminal and not a stripper). Every notification that
 * quotes output (an agent's exit, the ops loop giving up, a probe, a gate) goes through it.
 * `skipNotes`: for a command run by Grove (a gate, a probe), the command's own last words
 * rather than Grove's closing "[grove] … exited with code 255".
 */
export function lastLine(output: string | null | undefined, { skipNotes = false } = {}): string | null {
  if (!output) return null;
  const lines = renderedLines(output)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const own = skipNotes ? lines.filter((l) => !l.startsWith('[grove] ')) : lines;
  const line = own.pop() ?? lines.pop();
  if (line === undefined) return null;
  return line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS - 1)}…` : line;
}

export function describeDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n as number, name]));

export function describeExit(code: number | null, signal: number | null): string {
  if (signal) return SIGNAL_NAMES.get(signal) ?? `signal ${signal}`;
  return code === null ? 'exit ?' : `exit ${code}`;
}

const withLine = (head: string, line: string | null): string => (line ? `${head} — ${line}` : head);

export function mainBroken(repo: string, incident: Incident): Words {
  const probes = incident.probes.map((p) => withLine(`${p.name}: ${p.detail}`, lastLine(p.outputTail, { skipNotes: true })));
  const via = incident.commits.find((c) => c.via)?.via;
  const after = via ? ` (after the merge of lane ${via.laneName})` : '';
  return {
    title: `MAIN of ${repo} is broken`,
    body: `${probes.length ? probes.join('; ') : 'Its probes fail'}${after}`,
  };
}

export function mainRecovered(repo: string, incident: Incident): Words {
  const closedAt = incident.closedAt ?? incident.recovery?.at ?? incident.openedAt;
  const broken = describeDuration(Date.parse(closedAt) - Date.parse(incident.openedAt));
  const how = incident.recovery?.how ?? 'the probes pass again';
  return {
    title: `MAIN of ${repo} works again`,
    body: `${how.charAt(0).toUpperCase()}${how.slice(1)}; it was broken for ${broken}.`,
  };
}

type Ended = Extract<AgentInfo['supervision'], { kind: 'crashed' | 'fatal' | 'backoff' }>;

function whatNext(s: Ended): string {
  switch (s.kind) {
    case 'backoff':
      return s.delayMs > 0 ? `Grove restarts it in ${describeDuration(s.delayMs)}.` : 'Grove restarted it.';
    case 'crashed':
      return 'It is not restarted.';
    case 'fatal':
      return `Grove gave up after ${s.restarts} restarts in a row.`;
  }
}

/** `place`: where the agent works, e.g. "lane backend of flower". */
export function agentExited(agent: AgentInfo, s: Ended, place: string, output: string | null): Words {
  return {
    title: `${agent.name} exited unexpectedly in ${place}`,
    body: `${withLine(`${agent.name}: ${describeExit(s.code, s.signal)}`, output)}. ${whatNext(s)}`,
  };
}

export function opsFatal(agent: AgentInfo, s: Extract<Ended, { kind: 'fatal' }>, repo: string | null, output: string | null): Words {
  return {
    title: repo ? `The ops loop of ${repo} gave up` : `The ops loop ${agent.name} gave up`,
    body: `${withLine(`${agent.name}: ${describeExit(s.code, s.signal)}`, output)}. ${whatNext(s)} Start it again once the cause is fixed.`,
  };
}

const WAITING_WORDS: Record<string, string> = {
  permission_prompt: 'asks for your permission',
  idle_prompt: 'is waiting for your input',
  'finished its turn': 'finished its turn and waits for you',
  sign_in: 'asks you to sign in to its CLI',
  trust_prompt: 'asks whether to trust its folder',
  turn_failed: 'stopped: its turn failed (its terminal says why, e.g. not logged in or a rate limit)',
  settings_error: 'refuses a settings file (its terminal names the file and the key; an old Claude Code refuses hooks it does not know: update it)',
};

export function agentWaiting(agent: AgentInfo, place: string): Words {
  const detail = agent.activity.detail;
  const what = detail === null ? 'is waiting for you' : (WAITING_WORDS[detail] ?? `is waiting for you (${detail})`);
  return { title: `${agent.name} is waiting for you`, body: `${agent.name} ${what} in ${place}.` };
}

/** The escalation: the same wait, told once more with how long it has lasted. */
export function agentStillWaiting(agent: AgentInfo, place: string, waitedMs: number): Words {
  const detail = agent.activity.detail;
  const what = detail === null ? 'is waiting for you' : (WAITING_WORDS[detail] ?? `is waiting for you (${detail})`);
  const waited = describeDuration(waitedMs);
  return { title: `${agent.name} has waited ${waited} for you`, body: `${agent.name} ${what} in ${place}, for ${waited} now.` };
}

export function agentContext(agent: AgentInfo, place: string): Words {
  const n = (x: number): string => x.toLocaleString('en-US');
  const tokens = agent.context?.tokens ?? 0;
  const window = agent.context ? ` of its ${n(agent.context.window)} window` : '';
  return {
    title: `${agent.name}'s context is nearly full`,
    body: `${agent.name} in ${place} uses ${n(tokens)} tokens${window} (warning at ${n(agent.contextWarnTokens)}). Recycle it to start fresh.`,
  };
}

export function mergeRolledBack(repo: string, merge: MergeRecord): Words {
  const said = lastLine(merge.gateOutput, { skipNotes: true });
  const failed = `MAIN's gate failed${said ? `: ${said}` : ''}`;
  if (merge.state === 'awaiting-rollback') {
    return {
      title: `The merge of ${merge.laneName} broke MAIN of ${repo}`,
      body: `${failed}. MAIN keeps the merge until you roll it back.`,
    };
  }
  return {
    title: `The merge of ${merge.laneName} into MAIN of ${repo} was rolled back`,
    body: `${failed}. MAIN is back at ${merge.mainBefore.slice(0, 7)}; the lane keeps its work.`,
  };
}

/** grove.yaml's commands changed since they were trusted; the body lists the difference. */
export function commandsChanged(repo: string, changes: readonly CommandChange[]): Words {
  return {
    title: `${repo}'s commands changed: Grove stopped running them`,
    body: [`Review and trust them again (grove repo trust ${repo}):`, ...describeChanges(changes)].join('\n'),
  };
}
