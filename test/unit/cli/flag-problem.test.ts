import { describe, expect, it } from 'vitest';
import { flagProblem, parseCommand, parseFlags } from '../../../src/cli/parse-command';

describe('a refused command line says what was wrong', () => {
  it('names the unknown option, not a known switch before it', () => {
    const args = ['design', '--stat', '--bogus'];
    expect(parseFlags(args, ['--repo'], ['--stat'])).toBeNull();
    expect(flagProblem(args, ['--repo'], ['--stat'])).toBe('Unknown option --bogus.');
    expect(flagProblem(['--repo'], ['--repo'], ['--stat'])).toBe('--repo takes a value.');
  });

  it('never takes an option for the value of the one before it', () => {
    // `grove merge design --commit $MSG --dry-run` with MSG empty: not a merge committed as "--dry-run".
    const args = ['design', '--commit', '--dry-run'];
    expect(parseFlags(args, ['--commit', '--repo'], ['--dry-run'])).toBeNull();
    expect(flagProblem(args, ['--commit', '--repo'], ['--dry-run'])).toBe('--commit takes a value, and --dry-run is an option: give --commit its value (one that starts with - as --commit=--dry-run).');
    expect(parseFlags(['design', '--commit', 'fix -v flag'], ['--commit'], [])).toMatchObject({ positional: ['design'], values: { commit: 'fix -v flag' } });
  });
});

describe('an option given twice', () => {
  it('is refused, naming it, rather than the last one silently winning', () => {
    expect(parseFlags(['l3', '--commit', 'x', '--commit', 'y'], ['--commit'], [])).toBeNull();
    expect(flagProblem(['l3', '--commit', 'x', '--commit', 'y'], ['--commit'], [])).toBe('--commit is given twice; give it once.');
    expect(parseCommand(['--kind', 'bug', '--kind', 'note'], { kind: { type: 'string' } }, [])).toEqual({ ok: false, message: '--kind is given twice; give it once.' });
    // A repeatable one is a list, as before.
    expect(parseCommand(['--project', 'a', '--project', 'b'], { project: { type: 'string', multiple: true } }, [])).toMatchObject({ ok: true, values: { project: ['a', 'b'] } });
    expect(parseCommand(['--kind', 'bug'], { kind: { type: 'string' } }, [])).toMatchObject({ ok: true, values: { kind: 'bug' } });
  });
});

describe('every command reads a line the same way (parse-command.ts)', () => {
  const valued = ['--commit', '--limit'];
  const switches = ['--dry-run'];
  it('takes --opt=value, a value that starts with - only so, and a negative number as a value', () => {
    expect(parseFlags(['design', '--commit=fix it'], valued, switches)).toMatchObject({ positional: ['design'], values: { commit: 'fix it' } });
    expect(parseFlags(['design', '--commit=-m'], valued, switches)).toMatchObject({ values: { commit: '-m' } });
    expect(flagProblem(['design', '--commit', '-m'], valued, switches)).toBe('--commit takes a value, and -m is an option: give --commit its value (one that starts with - as --commit=-m).');
    expect(parseFlags(['--limit', '-1'], valued, switches)).toMatchObject({ values: { limit: '-1' } });
    // `-`: standard input (`brief spec 4 --file -`).
    expect(parseFlags(['--commit', '-'], valued, switches)).toMatchObject({ values: { commit: '-' } });
  });

  it('refuses a switch given twice or given a value, as it does an option', () => {
    expect(flagProblem(['design', '--dry-run', '--dry-run'], valued, switches)).toBe('--dry-run is given twice; give it once.');
    expect(flagProblem(['design', '--dry-run=yes'], valued, switches)).toBe('--dry-run takes no value (not "yes").');
  });

  it('takes what follows -- as words, whatever they start with', () => {
    expect(parseFlags(['--', '-x'], valued, switches)).toMatchObject({ positional: ['-x'] });
    expect(flagProblem(['-x'], valued, switches)).toBe('Unknown option -x.');
  });

  it('says how to pass text that starts with - only where the command takes text', () => {
    expect(parseCommand(['4', 'fixed', '-v'], {}, ['REF', 'TEXT'], { rest: true })).toEqual({ ok: false, message: 'Unknown option -v. If it is part of your text, put -- before the text (grove brief note 4 -- fixed the -v flag).' });
    expect(parseCommand(['4', '--', 'fixed', '-v'], {}, ['REF', 'TEXT'], { rest: true })).toMatchObject({ ok: true, positionals: ['4', 'fixed', '-v'] });
    expect(parseCommand(['--bogus'], { json: { type: 'boolean' } }, [])).toEqual({ ok: false, message: 'Unknown option --bogus.' });
  });
});
