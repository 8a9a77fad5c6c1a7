/**
 * What a CLI's screen looks like when it is busy or waiting for the operator: the weakest
 * signal, used only when the agent sends no hooks. Data per preset, matched against the
 * visible screen (not the scrollback, which still shows old prompts). A wrong or missing
 * pattern becomes a fixture in test/fixtures/screens and a case in screen-state.test.ts.
 *
 * Sources: Claude Code's permission dialog ("Do you want to proceed?", "❯ 1. Yes") and its
 * busy footer ("esc to interrupt"), as quoted by tools that watch it through tmux; Codex's
 * "Esc to interrupt" status line and its approval question.
 */
export interface ScreenPatterns {
  /** Checked first: a visible question to the operator wins over a busy footer. */
  waiting: { pattern: RegExp; detail: string }[];
  busy: RegExp[];
}

export const SCREEN_PATTERNS: Partial<Record<'claude' | 'codex', ScreenPatterns>> = {
  claude: {
    waiting: [
      { pattern: /Do you want to (proceed|allow|make this edit|create|run)/i, detail: 'permission_prompt' },
      { pattern: /❯\s*1\.\s*Yes/, detail: 'permission_prompt' },
    ],
    busy: [/esc to interrupt/i],
  },
  codex: {
    waiting: [
      { pattern: /Would you like to (run|make|apply)/i, detail: 'permission_prompt' },
      { pattern: /Allow command\?/i, detail: 'permission_prompt' },
    ],
    busy: [/esc to interrupt/i],
  },
};

export type ScreenVerdict = { state: 'busy' } | { state: 'waiting'; detail: string } | null;

export function classifyScreen(screen: string, patterns: ScreenPatterns): ScreenVerdict {
  for (const w of patterns.waiting) if (w.pattern.test(screen)) return { state: 'waiting', detail: w.detail };
  for (const b of patterns.busy) if (b.test(screen)) return { state: 'busy' };
  return null;
}
