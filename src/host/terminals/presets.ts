import type { PresetId } from '../../shared/agents';

/**
 * Presets are data: how to start a CLI, how to resume its conversation, how to hand it
 * Grove's hooks, where it records its context use. Supporting another CLI means adding an
 * entry, not a code path. `{session}` and `{settings}` are filled in at launch.
 */
export interface Preset {
  id: PresetId;
  label: string;
  /** Program to run; null means the caller must give one (custom). */
  command: string | null;
  /** Arguments for a new conversation. */
  startArgs: string[];
  /** Arguments that resume the recorded conversation; null if the CLI cannot. */
  resumeArgs: string[] | null;
  /** Arguments that hand the CLI Grove's hook settings file; null if it takes none. */
  hookArgs: string[] | null;
  /** Grove chooses the session id (Claude Code's --session-id) and records it. */
  assignsSession: boolean;
  /** Where its context use can be read. */
  contextSource: 'claude-transcript' | 'codex-rollout' | null;
  /** Context warning threshold when the operator sets none. */
  contextWarnTokens: number;
}

export const PRESETS: Record<PresetId, Preset> = {
  claude: {
    id: 'claude',
    label: 'Claude Code',
    command: 'claude',
    startArgs: ['--session-id', '{session}'],
    resumeArgs: ['--resume', '{session}'],
    hookArgs: ['--settings', '{settings}'],
    assignsSession: true,
    contextSource: 'claude-transcript',
    contextWarnTokens: 160_000,
  },
  codex: {
    id: 'codex',
    label: 'Codex',
    command: 'codex',
    startArgs: [],
    // Codex picks its own session id; `resume --last` reopens the latest in this lane.
    resumeArgs: ['resume', '--last'],
    hookArgs: null,
    assignsSession: false,
    contextSource: 'codex-rollout',
    contextWarnTokens: 200_000,
  },
  shell: {
    id: 'shell',
    label: 'Shell',
    command: null, // the user's $SHELL, else /bin/sh
    startArgs: [],
    resumeArgs: null,
    hookArgs: null,
    assignsSession: false,
    contextSource: null,
    contextWarnTokens: 160_000,
  },
  custom: {
    id: 'custom',
    label: 'Custom command',
    command: null,
    startArgs: [],
    resumeArgs: null,
    hookArgs: null,
    assignsSession: false,
    contextSource: null,
    contextWarnTokens: 160_000,
  },
};

export function fillTemplate(args: readonly string[], values: { session?: string | null; settings?: string | null }): string[] {
  return args.map((a) => a.replaceAll('{session}', values.session ?? '').replaceAll('{settings}', values.settings ?? ''));
}
