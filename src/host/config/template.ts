/**
 * The `{{variable}}` templates of grove.yaml: the dotenv values a lane's copied files get,
 * its site recipe, its serve command and URL. Only a fixed set of names exists, so a typo
 * is caught when the file is loaded (`unknownTemplateVariables`) rather than becoming a
 * literal `{{lnae}}` in someone's .env. `renderTemplate` does nothing else: no escaping,
 * no conditionals; text without `{{` comes back as it went in.
 *
 * A template that becomes a shell command (serve.site.link and unlink, serve.command,
 * ops.command) goes through `renderShellTemplate` instead: a branch name is chosen by
 * whoever made the lane (or the branch, in a repository cloned from elsewhere), and
 * `x$(touch${IFS}PWNED)` is a valid one. No value is ever written into the command: each
 * becomes a reference to an environment variable the command is given (`GROVE_TPL_BRANCH`
 * …), quoted for the place it stands, so the shell expands it as data and never parses it.
 */

import { ShellScanner } from './shell-quoting';

export interface TemplateVars {
  /** The lane's name, e.g. `design`. */
  lane: string;
  branch: string;
  /** The repository's name (MAIN's directory name). */
  repo: string;
  /** The lane's directory. */
  path: string;
  /** MAIN's directory. */
  main: string;
  /** The first port of the lane's block of 10, or null when it has none. */
  port: number | null;
}

/** Every name a template may use, as written in messages. */
export const TEMPLATE_VARIABLES = ['lane', 'branch', 'repo', 'path', 'main', 'port', 'port+N'] as const;

/** A template the lane cannot fill: an unknown variable, or a port it does not have. */
export class TemplateError extends Error {
  readonly code = 'template_invalid';
  constructor(
    message: string,
    /** The variable as written inside the braces, e.g. `port+1`. */
    readonly variable: string,
    readonly text: string,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

// `{{ name }}`: spaces inside the braces are allowed; braces inside are not, so `{{{lane}}}`
// finds `{{lane}}` and leaves the outer pair as text.
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const PORT_OFFSET = /^port\s*\+\s*([0-9])$/;
const STRING_VARIABLES = ['lane', 'branch', 'repo', 'path', 'main'] as const;
type StringVariable = (typeof STRING_VARIABLES)[number];

const isStringVariable = (name: string): name is StringVariable => (STRING_VARIABLES as readonly string[]).includes(name);
const isKnownVariable = (name: string): boolean => isStringVariable(name) || name === 'port' || PORT_OFFSET.test(name);

/** How messages list the allowed names: `{{lane}}, {{branch}}, …, {{port}} or {{port+N}} (N from 0 to 9)`. */
export function describeTemplateVariables(): string {
  const names = TEMPLATE_VARIABLES.map((v) => `{{${v}}}`);
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)} (N from 0 to 9)`;
}

export function renderTemplate(text: string, vars: TemplateVars): string {
  if (!text.includes('{{')) return text;
  return text.replace(PLACEHOLDER, (_whole, name: string) => valueOf(name, vars, text));
}

/** A shell command from a template, and the variables it reads its values from. */
export interface ShellCommand {
  command: string;
  /** Set these in the command's environment: every template value, as `GROVE_TPL_<NAME>` (the rendered command refers to those it used). */
  env: Record<string, string>;
}

/** The environment variable that carries a template variable's value into a shell command. */
const envNameOf = (name: StringVariable): string => `GROVE_TPL_${name.toUpperCase()}`;

/**
 * Every value a rendered shell command may refer to, for a process started later from the
 * rendered text alone (the ops loop's agent after a host restart).
 */
export function shellTemplateEnv(vars: TemplateVars): Record<string, string> {
  return Object.fromEntries(STRING_VARIABLES.map((name) => [envNameOf(name), vars[name]]));
}

/**
 * A `sh -c` command line whose string values are references to environment variables,
 * each written for where it stands (see shell-quoting.ts): bare `{{branch}}` becomes
 * `"${GROVE_TPL_BRANCH}"`, inside "…" `${GROVE_TPL_BRANCH}`; inside '…' it is refused (the
 * text may be another shell's script). A parameter expansion is never parsed again as shell
 * syntax, so even where the scanner misreads the quoting (a comment, a here-document, a
 * `case` inside `$(…)`) the worst outcome is a value split into words, never a command run.
 * Ports are digits and go in as they are.
 */
export function renderShellTemplate(text: string, vars: TemplateVars): ShellCommand {
  // Every value, whether the text refers to it or not: a nested shell's script (inside '…')
  // names the variable itself, `"$GROVE_TPL_BRANCH"`, and must find it.
  const env: Record<string, string> = shellTemplateEnv(vars);
  if (!text.includes('{{')) return { command: text, env };
  const scanner = new ShellScanner();
  let out = '';
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const literal = text.slice(last, m.index);
    out += literal;
    scanner.feed(literal);
    last = m.index + m[0].length;
    const name = m[1] ?? '';
    if (!isStringVariable(name)) {
      out += valueOf(name, vars, text);
      continue;
    }
    const reference = scanner.reference(envNameOf(name));
    if (!reference.ok) {
      const variable = envNameOf(name);
      const where =
        reference.error === 'after-backslash'
          ? 'follows a backslash'
          : reference.error === 'in-backquotes'
            ? 'is inside backquotes; use $(…) instead'
            : `is inside single quotes, which hand their text to another shell (sh -c '…', ssh host '…') that would read the value as code; write "$${variable}" there instead (the variable reaches that shell too)`;
      throw new TemplateError(`{{${name}}} ${where} in the shell command ${JSON.stringify(text)}; Grove quotes the value itself.`, name, text);
    }
    out += reference.text;
  }
  return { command: out + text.slice(last), env };
}

function valueOf(name: string, vars: TemplateVars, text: string): string {
  if (isStringVariable(name)) return vars[name];
  const offset = name === 'port' ? 0 : PORT_OFFSET.exec(name)?.[1];
  if (offset === undefined) {
    throw new TemplateError(`{{${name}}} is not a template variable; use ${describeTemplateVariables()}.`, name, text);
  }
  if (vars.port === null) {
    throw new TemplateError(
      `{{${name}}} cannot be filled: lane "${vars.lane}" has no port block (a worktree Grove adopted rather than created has none).`,
      name,
      text,
    );
  }
  return String(vars.port + Number(offset));
}

/** The names inside `{{…}}` that are not template variables, each once, in order. */
/** The template variables `text` names (`{{lane}}`, `{{port+1}}`), each once; others (`{{.Name}}`, a Go template's) are not. */
export function knownTemplateVariables(text: string): string[] {
  const known = new Set<string>();
  for (const [, name = ''] of text.matchAll(PLACEHOLDER)) if (isKnownVariable(name)) known.add(name);
  return [...known];
}

export function unknownTemplateVariables(text: string): string[] {
  const unknown = new Set<string>();
  for (const [, name = ''] of text.matchAll(PLACEHOLDER)) if (!isKnownVariable(name)) unknown.add(name);
  return [...unknown];
}
