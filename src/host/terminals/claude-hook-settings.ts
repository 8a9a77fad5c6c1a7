import { writeFileSync } from 'node:fs';

/**
 * Claude Code settings that wire its hooks to Grove: each hook runs `grove hook EVENT`,
 * which reports to the host with the agent's own token (from the environment Grove gave
 * it). Passed with `--settings FILE`, so the user's own settings and hooks stay in force.
 * They also allow Grove's own MCP server's tools (`mcp__grove`): a dispatched agent recalls
 * and writes to its brief without stopping at a permission prompt; those tools can do no
 * more than the agent's token allows.
 */
export function claudeHookSettings(hookCommand: (event: string) => string, o: { stopFailure: boolean } = { stopFailure: true }): object {
  const run = (event: string) => [{ type: 'command', command: hookCommand(event), timeout: 5 }];
  return {
    permissions: { allow: ['mcp__grove'] },
    hooks: {
      UserPromptSubmit: [{ hooks: run('prompt') }],
      PreToolUse: [{ matcher: '*', hooks: run('tool') }],
      Stop: [{ hooks: run('stop') }],
      // A turn the API ended with an error (not logged in, a rate limit): no Stop hook follows.
      // Named only for a Claude Code that knows it (claude-version.ts): an older one skips the
      // whole file for it, every hook and the MCP permission with it.
      ...(o.stopFailure ? { StopFailure: [{ hooks: run('stop-failure') }] } : {}),
      Notification: [
        { matcher: 'permission_prompt', hooks: run('permission') },
        { matcher: 'idle_prompt', hooks: run('idle-prompt') },
      ],
      SessionEnd: [{ hooks: run('session-end') }],
    },
  };
}

export function writeClaudeHookSettings(path: string, hookCommand: (event: string) => string, o: { stopFailure: boolean } = { stopFailure: true }): void {
  writeFileSync(path, JSON.stringify(claudeHookSettings(hookCommand, o), null, 2) + '\n', { mode: 0o600 });
}

/** Quotes one word for sh -c. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
