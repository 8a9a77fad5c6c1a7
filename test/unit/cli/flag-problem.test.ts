import { describe, expect, it } from 'vitest';
import { flagProblem, parseFlags } from '../../../src/cli/lane-target';
import { parseCommand } from '../../../src/cli/parse-command';

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
    expect(flagProblem(args, ['--commit', '--repo'], ['--dry-run'])).toBe('--commit takes a value, and --dry-run is an option: give --commit its value (a value cannot start with --).');
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
