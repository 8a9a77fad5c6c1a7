import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MAIN_EDITS_FILES_MAX, type MainEdits } from '../../shared/incidents';
import { runGit } from '../lanes/git/run-git';
import { isSecretName } from '../terminals/agent-env';
import { probeOutputTail } from './probe-output';

/**
 * MAIN's uncommitted edits, as an incident and the ops loop's status file record them:
 * each changed or untracked path with its +/- line counts (null for a binary file), and the
 * end of the diff against HEAD (untracked files shown whole, but for those whose names say
 * they hold secrets), secrets masked the way a probe's output is — the host's own and the
 * values of secret-named environment variables — plus the values of secret-named
 * assignments and private keys in the diff itself (maskAssignments). Null when MAIN is
 * clean. Read-only git, never an index refresh.
 */
const UNTRACKED_SHOWN = 20;
const UNTRACKED_BYTES_MAX = 64 * 1024;
/** `git hash-object -t tree /dev/null`: what a MAIN without commits is compared against. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export async function readMainEdits(mainPath: string, o: { env: NodeJS.ProcessEnv; mask: (text: string) => string }): Promise<MainEdits | null> {
  const git = (args: string[], okCodes: number[] = []) => runGit(mainPath, ['--no-optional-locks', ...args], { okCodes });
  const head = (await git(['rev-parse', '--verify', '-q', 'HEAD'], [1])).stdout.trim() || EMPTY_TREE;
  const [numstat, others, diff] = await Promise.all([
    git(['diff', '--numstat', '-z', head, '--']),
    git(['ls-files', '--others', '--exclude-standard', '-z']),
    git(['diff', '--no-color', '--no-ext-diff', head, '--']),
  ]);
  const files: MainEdits['files'] = parseNumstatZ(numstat.stdout);
  const untracked = others.stdout.split('\0').filter(Boolean);
  let text = diff.stdout;
  for (const [i, path] of untracked.entries()) {
    // Only the listed files are read, and only small ones (a database dump may sit in MAIN).
    const size = i < MAIN_EDITS_FILES_MAX ? await stat(resolve(mainPath, path)).then((st) => (st.isFile() ? st.size : null), () => null) : null;
    const content = size !== null && size <= UNTRACKED_BYTES_MAX && !holdsSecrets(path) ? await readFile(resolve(mainPath, path)).catch(() => null) : null;
    const binary = content === null || content.includes(0);
    const lines = binary ? [] : content.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    files.push({ path, added: binary ? null : lines.length, removed: binary ? null : 0, untracked: true });
    if (i >= UNTRACKED_SHOWN) continue;
    if (holdsSecrets(path)) text += `new file ${path} (not shown: its name says it holds secrets)\n`;
    else text += binary ? `new file ${path} (binary, large or unreadable)\n` : `--- /dev/null\n+++ b/${path}\n${lines.map((l) => `+${l}`).join('\n')}\n`;
  }
  if (files.length === 0) return null;
  return {
    files: files.slice(0, MAIN_EDITS_FILES_MAX),
    more: Math.max(0, files.length - MAIN_EDITS_FILES_MAX),
    diffTail: probeOutputTail(maskAssignments(text), o.env, o.mask),
  };
}

/** `git diff --numstat -z`: `added\tremoved\tpath\0`, or for a rename `added\tremoved\t\0from\0to\0`; `-` for binary. */
export function parseNumstatZ(stdout: string): MainEdits['files'] {
  const parts = stdout.split('\0');
  const files: MainEdits['files'] = [];
  for (let i = 0; i < parts.length; i++) {
    const m = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(parts[i]!);
    if (!m) continue;
    let path = m[3]!;
    if (path === '') {
      path = parts[i + 2] ?? '';
      i += 2;
    }
    const count = (s: string): number | null => (s === '-' ? null : Number(s));
    files.push({ path, added: count(m[1]!), removed: count(m[2]!), untracked: false });
  }
  return files;
}

/**
 * A diff's secrets masked: a secret-named assignment's value on a diff line (`+DB_PASSWORD=…`,
 * `+export API_TOKEN: …`, a compose file's `+  - POSTGRES_PASSWORD=…`) → `…(masked)`; a
 * quoted key's value anywhere on a line (JSON, one line or many: `"client_secret": "…"`; a
 * value not in quotes, a list or a number, to the line's end), `"author"` and `"keywords"`
 * left as they are (isSecretKeyName); and a private key's block,
 * PGP's too, whether on lines of its own or escaped into one string, from its BEGIN to its
 * END or, cut off, to the next file's header (never past it: the rest is other files').
 */
export function maskAssignments(diff: string): string {
  return diff
    .replace(PRIVATE_KEY_BLOCK, (_, kind: string, block: string = '') => `-----BEGIN ${kind}PRIVATE KEY${block}-----…(masked)-----END ${kind}PRIVATE KEY${block}-----`)
    .replace(/^([+\- ][ \t]*(?:-[ \t]+)?(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*[=:][ \t]*)(\S.*)$/gm, (line, lead: string, name: string) => (isSecretName(name) ? `${lead}…(masked)` : line))
    .replace(/(["'])([A-Za-z_][A-Za-z0-9_.-]*)\1([ \t]*:[ \t]*)("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\n]*)/g, (pair, quote: string, name: string, colon: string) =>
      isSecretKeyName(name) ? `${quote}${name}${quote}${colon}…(masked)` : pair,
    );
}

/** A BEGIN … PRIVATE KEY (BLOCK) line to its END, or to just before the next file's header or the text's end. */
const PRIVATE_KEY_BLOCK = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY\2-----|(?=\n(?:diff --git |--- |\+\+\+ |new file ))|(?![\s\S]))/g;

/**
 * A quoted key that names a secret: as an environment variable's name is judged (`password`,
 * `clientsecret`, `accessToken`), but for the keys a package manifest or a test config has
 * that only look like one (`author`, `keywords`, `passWithNoTests`).
 */
export function isSecretKeyName(name: string): boolean {
  return isSecretName(name) && !LOOK_ALIKE_KEYS.has(name.toLowerCase());
}

const LOOK_ALIKE_KEYS = new Set(['author', 'authors', 'keyword', 'keywords', 'passwithnotests', 'sessionstorage', 'keyboard', 'primarykey', 'foreignkey', 'keyof']);

/**
 * An untracked file whose name says it holds secrets (a `.env` that is not ignored, a key,
 * a keystore, credentials): listed, its content never read. What else sits untracked in MAIN
 * is shown whole, masked as a diff is.
 */
export function holdsSecrets(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return (
    /^\.env(\.|rc$|$)|^\.(npmrc|pypirc|netrc|htpasswd|pgpass)$|^id_(rsa|dsa|ecdsa|ed25519)|\.(pem|key|p12|pfx|jks|keystore|kdbx|ppk|asc|gpg)$/.test(name) ||
    /(^|[._-])(secrets?|credentials?|passwords?|passwd|tokens?|private|service[-_]?account)([._-]|$)/.test(name)
  );
}
