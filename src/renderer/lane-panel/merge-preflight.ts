import type { RepoConfig } from '../../shared/config';
import type { MainHealth } from '../../shared/health';
import type { LaneDiff, MainState } from '../../shared/lanes';
import { HEALTH_LABEL } from '../ui/attention';
import { count } from '../../shared/plural';

/**
 * What the panel says before a merge, from what the UI already holds (the lane's diff,
 * grove.yaml, MAIN's health and watcher): where the lane stands against MAIN, what will run,
 * and whether MAIN is fit to take it. It runs nothing: the real preflight (a dry run that
 * may run the lane's check for minutes) is the merge dialog's first step.
 */
export type PreflightTone = 'ok' | 'warn' | 'bad' | 'info';

export interface PreflightLine {
  topic: 'position' | 'check' | 'gate' | 'main';
  tone: PreflightTone;
  text: string;
  /** A command line shown as code after the text. */
  command?: string;
}

export interface PreflightFacts {
  diff: LaneDiff | null;
  /** null while grove.yaml is unread or cannot be read. */
  config: RepoConfig | null;
  health: MainHealth | undefined;
  mainState: MainState | undefined;
}

export function summarizePreflight({ diff, config, health, mainState }: PreflightFacts): PreflightLine[] {
  const lines: PreflightLine[] = [positionOf(diff)];
  const merge = config?.config.merge;
  if (config === null) {
    lines.push({ topic: 'gate', tone: 'info', text: 'grove.yaml is not read yet; the host says what runs when you merge.' });
  } else {
    if (config.problems.length > 0) {
      lines.push({ topic: 'gate', tone: 'bad', text: `grove.yaml has ${count(config.problems.length, 'problem')}: merges are refused until they are fixed (MAIN's view lists them).` });
    }
    if (merge?.check) lines.push({ topic: 'check', tone: 'info', text: "The lane's check runs first:", command: merge.check });
    if (merge?.gate) {
      const after = merge.rollback === 'ask' ? 'a failure keeps the merge until you roll it back' : 'a failure rolls MAIN back';
      lines.push({ topic: 'gate', tone: 'info', text: `MAIN's gate runs after the merge (${after}):`, command: merge.gate });
    } else {
      lines.push({ topic: 'gate', tone: 'warn', text: 'No gate: nothing checks MAIN after the merge (grove.yaml merge.gate).' });
    }
  }
  lines.push(...mainLines(health, mainState));
  return lines;
}

function positionOf(diff: LaneDiff | null): PreflightLine {
  if (!diff) return { topic: 'position', tone: 'info', text: 'Reading the lane…' };
  const where = `${count(diff.ahead.length, 'commit')} ahead of ${diff.mainBranch}, ${diff.behind} behind`;
  if (diff.uncommitted) return { topic: 'position', tone: 'warn', text: `${where}; uncommitted edits must be committed first (the merge offers to).` };
  if (diff.ahead.length === 0) return { topic: 'position', tone: 'warn', text: `${where}: nothing to merge.` };
  return { topic: 'position', tone: 'ok', text: `${where}.` };
}

function mainLines(health: MainHealth | undefined, mainState: MainState | undefined): PreflightLine[] {
  const lines: PreflightLine[] = [];
  if (mainState && mainState.dirty.length > 0) {
    lines.push({ topic: 'main', tone: 'bad', text: `MAIN has uncommitted edits (${count(mainState.dirty.length, 'file')}): the merge is refused until they are committed or undone.` });
  }
  if (mainState && mainState.unexpectedCommits.length > 0) {
    lines.push({ topic: 'main', tone: 'warn', text: `${count(mainState.unexpectedCommits.length, 'commit')} on MAIN did not come through Grove.` });
  }
  if (!health) return lines;
  switch (health.state) {
    case 'healthy':
      lines.push({ topic: 'main', tone: 'ok', text: 'MAIN is healthy.' });
      break;
    case 'degraded':
    case 'broken':
      lines.push({ topic: 'main', tone: health.state === 'broken' ? 'bad' : 'warn', text: `MAIN is ${HEALTH_LABEL[health.state]} now: a probe failing after the merge may not be this lane's doing.` });
      break;
    case 'unknown':
      lines.push({ topic: 'main', tone: 'info', text: `MAIN's health: ${HEALTH_LABEL.unknown}.` });
      break;
    case 'untrusted':
      lines.push({ topic: 'main', tone: 'warn', text: "The repository's commands are not trusted: no probe runs on MAIN." });
      break;
  }
  return lines;
}
