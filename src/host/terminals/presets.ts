import type { Confinement, PresetId } from '../../shared/agents';
import { codexMcpOverrides } from '../../shared/mcp-client-config';

/**
 * Presets are data: how to start a CLI, how to resume its conversation, how to hand it
 * Grove's hooks, where it records its context use. Supporting another CLI means adding an
 * entry, not a code path. `{session}`, `{settings}` and `{notify}` are filled in at launch.
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
  /** Arguments that hand the CLI Grove's hooks; null if it takes none. */
  hookArgs: string[] | null;
  /**
   * How Grove's hooks are handed over: a Claude Code settings file (`{settings}`), or a
   * Codex `notify` program (`{notify}`, a TOML array: Codex runs it after each turn).
   */
  hookStyle: 'claude-settings' | 'codex-notify' | null;
  /**
   * How the CLI is told about Grove's MCP server (docs/mcp.md), with no secret on disk: a
   * Claude Code `--mcp-config` file whose header names $GROVE_AGENT_TOKEN, or Codex `-c`
   * overrides with `bearer_token_env_var`. See mcpArgs().
   */
  mcpStyle: 'claude-config' | 'codex-overrides' | null;
  /** Grove chooses the session id (Claude Code's --session-id) and records it. */
  assignsSession: boolean;
  /** Where its context use can be read. */
  contextSource: 'claude-transcript' | 'codex-rollout' | null;
  /** Context warning threshold when the operator sets none. */
  contextWarnTokens: number;
  /**
   * Where the CLI keeps its own state (login, settings, conversations): writable when the
   * agent is confined. `env` names the variable that moves it, when set.
   */
  statePaths: StatePath[];
  /**
   * Arguments added when Grove confines the run, per mechanism: the CLI's own sandbox told
   * what it cannot have inside Grove's, or to stand down where it cannot nest
   * (docs/confinement-clis.md).
   */
  confinedArgs: Record<ConfineMechanism, string[]>;
}

export type ConfineMechanism = NonNullable<Confinement['mechanism']>;

/** The arguments a run confined by `mechanism` adds (none unconfined). */
export function confinedArgsOf(preset: Preset, mechanism: Confinement['mechanism']): string[] {
  return mechanism ? preset.confinedArgs[mechanism] : [];
}

export interface StatePath {
  /** `~/…` or absolute. */
  path: string;
  env?: string;
  kind: 'dir' | 'file';
  /** A state file's content when Grove has to make it (an empty file is no valid JSON). */
  seed?: string;
}

/** A program Grove knows nothing special about. */
function plainProgram(): Omit<Preset, 'id' | 'label'> {
  return {
    command: null,
    startArgs: [],
    resumeArgs: null,
    hookArgs: null,
    hookStyle: null,
    mcpStyle: null,
    assignsSession: false,
    contextSource: null,
    contextWarnTokens: 160_000,
    statePaths: [],
    confinedArgs: { bwrap: [], 'sandbox-exec': [] },
  };
}

export const PRESETS: Record<PresetId, Preset> = {
  claude: {
    id: 'claude',
    label: 'Claude Code',
    command: 'claude',
    startArgs: ['--session-id', '{session}'],
    resumeArgs: ['--resume', '{session}'],
    hookArgs: ['--settings', '{settings}'],
    hookStyle: 'claude-settings',
    mcpStyle: 'claude-config',
    assignsSession: true,
    contextSource: 'claude-transcript',
    contextWarnTokens: 160_000,
    statePaths: [
      { path: '~/.claude', env: 'CLAUDE_CONFIG_DIR', kind: 'dir' },
      // Rewritten through a lock and a temp file beside it: its dir ($HOME) is scratch (confine-policy.ts).
      { path: '~/.claude.json', kind: 'file', seed: '{}\n' },
    ],
    confinedArgs: { bwrap: [], 'sandbox-exec': [] },
  },
  codex: {
    id: 'codex',
    label: 'Codex',
    command: 'codex',
    startArgs: [],
    // Codex picks its own session id; Grove learns it from the rollout file's session_meta.
    // Until it has, there is nothing to resume: guessing (`--last`) could reopen another
    // agent's conversation in the same lane.
    resumeArgs: ['resume', '{session}'],
    hookArgs: ['-c', 'notify={notify}'],
    hookStyle: 'codex-notify',
    mcpStyle: 'codex-overrides',
    assignsSession: false,
    contextSource: 'codex-rollout',
    contextWarnTokens: 200_000,
    statePaths: [{ path: '~/.codex', env: 'CODEX_HOME', kind: 'dir' }],
    confinedArgs: {
      // Codex's sandbox (bubblewrap) nests in Grove's, but in workspace-write it makes /tmp one
      // of its writable roots and masks /tmp/.git, which it cannot create where /tmp is
      // read-only: every command would fail. The agent's TMPDIR stays writable for it.
      bwrap: ['-c', 'sandbox_workspace_write.exclude_slash_tmp=true'],
      // macOS refuses a Seatbelt sandbox inside another (sandbox_apply: Operation not
      // permitted), so Codex's own would fail every command: it stands down, and Grove's
      // sandbox is the boundary its commands run in.
      'sandbox-exec': ['-c', 'sandbox_mode="danger-full-access"'],
    },
  },
  // The user's $SHELL (else /bin/sh): no conversation, no hooks, no context file.
  shell: { ...plainProgram(), id: 'shell', label: 'Shell' },
  // The command the operator gives.
  custom: { ...plainProgram(), id: 'custom', label: 'Custom command' },
};

export function fillTemplate(args: readonly string[], values: { session?: string | null; settings?: string | null; notify?: string | null }): string[] {
  return args.map((a) =>
    a.replaceAll('{session}', values.session ?? '').replaceAll('{settings}', values.settings ?? '').replaceAll('{notify}', values.notify ?? ''),
  );
}

/**
 * The arguments that wire Grove's MCP server in. They go before the hook arguments: Claude
 * Code's `--mcp-config` takes several values, and the `--settings` after it ends the list,
 * so a first prompt given later is never read as a config file.
 */
export function mcpArgs(preset: Preset, values: { mcpConfig: string; mcpUrl: string }): string[] {
  switch (preset.mcpStyle) {
    case 'claude-config':
      return ['--mcp-config', values.mcpConfig];
    case 'codex-overrides':
      return codexMcpOverrides(values.mcpUrl);
    case null:
      return [];
  }
}

/** Whether the preset can resume the conversation it has on record. */
export function canResume(preset: Preset, sessionId: string | null): boolean {
  if (!preset.resumeArgs) return false;
  return !preset.resumeArgs.some((a) => a.includes('{session}')) || sessionId !== null;
}

/**
 * Whether an agent marked auto-resume is started again by the next host. A plain program
 * (shell, custom command) has no conversation to lose: it is simply run again, as its
 * Resume button does. A CLI with conversations comes back only to resume one; without a
 * recorded one, a fresh start could not be told from the agent it was.
 */
export function isStartedAgainOnHostStart(preset: Preset, sessionId: string | null): boolean {
  return preset.resumeArgs === null || canResume(preset, sessionId);
}
