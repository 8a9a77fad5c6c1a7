/**
 * What a CLI's screen looks like when it is busy or waiting for the operator: the weakest
 * signal, used only when the agent sends no hooks. Data per preset, matched against the
 * visible screen (not the scrollback, which still shows old prompts). A wrong or missing
 * pattern becomes a fixture in test/fixtures/screens and a case in screen-state.test.ts.
 *
 * Sources: Claude Code's permission dialog ("Do you want to proceed?", "❯ 1. Yes") and its
 * busy footer ("esc to interrupt"), as quoted by tools that watch it through tmux; Codex's
 * "Esc to interrupt" status line and its approval question. The sign-in, trust and idle
 * screens are recorded from Claude Code 2.1.197 and Codex 0.171.0 (test/fixtures/screens,
 * README.md there).
 */
export interface ScreenPatterns {
  /** Checked first: a visible question to the operator wins over a busy footer. */
  waiting: { pattern: RegExp; detail: string }[];
  busy: RegExp[];
  /**
   * The CLI's empty input prompt, ready for the next turn. Checked last, after `busy`: both
   * CLIs keep their input box on screen while they work. Used to re-check a hook's `busy`
   * when the CLI ended a turn without its stop hook (activity.ts).
   */
  idle: RegExp[];
}

export const SCREEN_PATTERNS: Partial<Record<'claude' | 'codex', ScreenPatterns>> = {
  claude: {
    waiting: [
      // A settings file it refuses, Grove's hooks among them ("Settings Error … StopFailure:
      // Invalid key in record … Files with errors are skipped entirely"; 2.1.77, older than the
      // StopFailure hook): it waits for "Exit" or "Continue without these settings".
      { pattern: /Settings Error[\s\S]*Files with errors are skipped entirely/i, detail: 'settings_error' },
      // The first start in a folder: "Accessing workspace: … ❯ 1. Yes, I trust this folder".
      { pattern: /Yes, I trust this folder|Is this a project you created or one you trust/i, detail: 'trust_prompt' },
      { pattern: /Do you want to (proceed|allow|make this edit|create|run)/i, detail: 'permission_prompt' },
      { pattern: /❯\s*1\.\s*Yes/, detail: 'permission_prompt' },
    ],
    busy: [/esc to interrupt/i],
    // The input box: a prompt line framed by two rules ("────\n❯ \n────").
    idle: [/─{20,}\n❯[^\n]*\n─{20,}/],
  },
  codex: {
    waiting: [
      // Not signed in: "Sign in with ChatGPT … Press enter to continue", then "Finish signing
      // in via your browser"; both wait for the operator, as a question does.
      { pattern: /Sign in with ChatGPT|Finish signing in via your browser|Sign in with Device Code/i, detail: 'sign_in' },
      // A folder it has not been told to trust: "Trust this folder? … › 1. Trust and continue"
      // (older releases: "Do you trust the contents of this directory?").
      { pattern: /Trust this folder\?|Trust and continue|Do you trust the (contents|files) (of|in) this (directory|folder)/i, detail: 'trust_prompt' },
      { pattern: /Would you like to (run|make|apply)/i, detail: 'permission_prompt' },
      { pattern: /Allow command\?/i, detail: 'permission_prompt' },
    ],
    busy: [/esc to interrupt/i],
    // Its footer under the composer, shown while no turn runs (and while one does: busy wins).
    idle: [/\? for shortcuts/],
  },
};

export type ScreenVerdict = { state: 'busy' } | { state: 'waiting'; detail: string } | { state: 'idle' } | null;

export function classifyScreen(screen: string, patterns: ScreenPatterns): ScreenVerdict {
  for (const w of patterns.waiting) if (w.pattern.test(screen)) return { state: 'waiting', detail: w.detail };
  for (const b of patterns.busy) if (b.test(screen)) return { state: 'busy' };
  for (const i of patterns.idle) if (i.test(screen)) return { state: 'idle' };
  return null;
}
