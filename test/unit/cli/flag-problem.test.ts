import { describe, expect, it } from 'vitest';
import { flagProblem, parseFlags } from '../../../src/cli/lane-target';

describe('a refused command line says what was wrong', () => {
  it('names the unknown option, not a known switch before it', () => {
    const args = ['design', '--stat', '--bogus'];
    expect(parseFlags(args, ['--repo'], ['--stat'])).toBeNull();
    expect(flagProblem(args, ['--repo'], ['--stat'])).toBe('Unknown option --bogus.');
    expect(flagProblem(['--repo'], ['--repo'], ['--stat'])).toBe('--repo takes a value.');
  });
});
