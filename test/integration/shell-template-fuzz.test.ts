import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderShellTemplate, TemplateError, type TemplateVars } from '../../src/host/config/template';
import { makeRepo } from '../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * Every templated value that lands in a shell command (serve.site.link and unlink,
 * serve.command, ops.command) must arrive as its exact text, wherever the template puts it:
 * a bare word, inside "…", inside '…', glued to other text. Branch names are whatever git
 * accepts (`git check-ref-format --branch` is the oracle), which includes `$(…)`, backquotes,
 * quotes, `;`, `|`, `&`, `{{lane}}` and emoji; MAIN's path and the repository's name can be
 * anything a directory name can. The rendered command runs in a real `sh -c`, in an empty
 * directory: what it printed must be the values, byte for byte, and no file but its output
 * may appear (every payload below tries to make one).
 */
let repo: string;
beforeAll(() => {
  repo = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
});
afterAll(() => removeTempDirs());

// Mostly characters git allows in a branch name, weighted to shell syntax; a few it refuses,
// so the oracle has something to say.
const shellish = fc.constantFrom(...'$()`{};|&<>\'"!#%=+,@-_./*?[]~^: \\\n'.split(''), '$(touch${IFS}PWNED)', '`touch PWNED`', "'; touch PWNED; '", '"; touch PWNED; "', '{{lane}}', 'é', '🌸');
const branchText = fc.array(fc.oneof({ weight: 3, arbitrary: shellish }, { weight: 2, arbitrary: fc.constantFrom(...'abcxyzAZ019'.split('')) }), { minLength: 1, maxLength: 24 }).map((parts) => parts.join(''));

/** What git says of the name: the branch name it accepts, or null. */
function gitBranchName(name: string): string | null {
  const r = spawnSync('git', ['check-ref-format', '--branch', name], { cwd: repo, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.replace(/\n$/, '') : null;
}

/** Any text but NUL (which no argument or path can hold). */
const anyText = fc.string({ unit: 'binary', maxLength: 30 }).map((s) => s.replaceAll('\0', ''));

// Inside '…' a template is refused (its text may be another shell's script): tested below.
const PLACES = (name: string): string[] => [`{{${name}}}`, `"{{${name}}}"`, `"a {{${name}}} b"`, `x{{${name}}}y`, `"$(printf %s "{{${name}}}")"`];
// A command substitution drops trailing newlines: the shell's rule, not the quoting's.
const expected = (value: string): string[] => [value, value, `a ${value} b`, `x${value}y`, value.replace(/\n+$/, '')];

/** Renders `printf '%s\0' <each place>` for the variable, runs it, returns what each place became and the files it left. */
function runRendered(name: keyof Omit<TemplateVars, 'port'>, vars: TemplateVars): { printed: string[]; files: string[] } {
  const dir = realpathSync(makeTempDir('grove-sh-'));
  const command = `printf '%s\\0' ${PLACES(name).join(' ')} > out`;
  const rendered = renderShellTemplate(command, vars);
  const r = spawnSync('sh', ['-c', rendered.command], { cwd: dir, encoding: 'buffer', env: { ...process.env, ...rendered.env } });
  expect(r.status, `${rendered.command}\n${r.stderr.toString()}`).toBe(0);
  const printed = readFileSync(join(dir, 'out')).toString('utf8').split('\0').slice(0, -1);
  return { printed, files: readdirSync(dir) };
}

const base: TemplateVars = { lane: 'design', branch: 'design', repo: 'flower', path: '/src/flower-design', main: '/src/flower', port: 41010 };

describe('templated values in shell commands', () => {
  it('a git-valid branch name arrives byte for byte in every place, and runs nothing', () => {
    let valid = 0;
    fc.assert(
      fc.property(branchText, (text) => {
        const branch = gitBranchName(text);
        fc.pre(branch !== null);
        valid += 1;
        const { printed, files } = runRendered('branch', { ...base, branch });
        expect(printed).toEqual(expected(branch));
        expect(files).toEqual(['out']);
      }),
      { numRuns: 300 },
    );
    // The oracle let enough through for the property to mean something.
    expect(valid).toBeGreaterThan(100);
  });

  it('MAIN, the lane path and the repository name arrive byte for byte whatever they hold', () => {
    fc.assert(
      fc.property(fc.constantFrom('main', 'path', 'repo', 'lane') as fc.Arbitrary<'main' | 'path' | 'repo' | 'lane'>, anyText, (name, value) => {
        const { printed, files } = runRendered(name, { ...base, [name]: value });
        expect(printed).toEqual(expected(value));
        expect(files).toEqual(['out']);
      }),
      { numRuns: 200 },
    );
  });

  it('the issue\'s branch, x$(touch${IFS}PWNED), makes no file', () => {
    const branch = gitBranchName('x$(touch${IFS}PWNED)');
    expect(branch).toBe('x$(touch${IFS}PWNED)');
    const { printed, files } = runRendered('branch', { ...base, branch: branch! });
    expect(printed[0]).toBe('x$(touch${IFS}PWNED)');
    expect(files).toEqual(['out']);
  });

  it('runs nothing even where the quoting is misread: after a comment with an apostrophe, in a here-document, in a subshell or case inside $(…)', () => {
    // Places a reader of quotes (not a shell parser) gets wrong; a value that went in as text
    // would run there. As a reference to its variable it can at worst be split into words.
    const tricky = [
      "# don't use valet\nprintf '%s\\n' {{branch}} > out",
      'cat > out <<EOF\n{{branch}}\nEOF',
      'echo "$( (true); echo {{branch}} )" > out',
      'echo "$(case a in a) echo {{branch}};; esac)" > out',
    ];
    // The comment's apostrophe makes the reader think the template is inside '…': refused, which runs nothing either.
    expect(() => renderShellTemplate(tricky[0]!, base)).toThrow(TemplateError);
    const runnable = tricky.slice(1);
    fc.assert(
      fc.property(branchText, fc.constantFrom(...runnable), (text, command) => {
        const branch = gitBranchName(text);
        fc.pre(branch !== null);
        const dir = realpathSync(makeTempDir('grove-sh-'));
        const rendered = renderShellTemplate(command, { ...base, branch });
        spawnSync('sh', ['-c', rendered.command], { cwd: dir, encoding: 'buffer', env: { ...process.env, ...rendered.env } });
        expect(readdirSync(dir).filter((f) => f !== 'out'), rendered.command).toEqual([]);
      }),
      { numRuns: 200 },
    );
    for (const command of runnable) {
      const dir = realpathSync(makeTempDir('grove-sh-'));
      const rendered = renderShellTemplate(command, { ...base, branch: 'x;touch>PWNED' });
      spawnSync('sh', ['-c', rendered.command], { cwd: dir, encoding: 'buffer', env: { ...process.env, ...rendered.env } });
      expect(readdirSync(dir), command).toEqual(['out']);
    }
  });

  it("refuses every value inside '…', where a nested shell would read it; the variable named there arrives byte for byte", () => {
    fc.assert(
      fc.property(fc.constantFrom('main', 'path', 'repo', 'lane', 'branch') as fc.Arbitrary<'main' | 'path' | 'repo' | 'lane' | 'branch'>, anyText, (name, value) => {
        const vars = { ...base, [name]: value };
        expect(() => renderShellTemplate(`sh -c 'printf %s {{${name}}} > out'`, vars)).toThrow(TemplateError);
        const dir = realpathSync(makeTempDir('grove-sh-'));
        const rendered = renderShellTemplate(`sh -c 'printf %s "$GROVE_TPL_${name.toUpperCase()}" > out'`, vars);
        const r = spawnSync('sh', ['-c', rendered.command], { cwd: dir, encoding: 'buffer', env: { ...process.env, ...rendered.env } });
        expect(r.status).toBe(0);
        expect(readFileSync(join(dir, 'out')).toString('utf8')).toBe(value);
        expect(readdirSync(dir)).toEqual(['out']);
      }),
      { numRuns: 100 },
    );
  });
});
