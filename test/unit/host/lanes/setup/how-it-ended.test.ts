import { describe, expect, it } from 'vitest';
import { howItEnded } from '../../../../../src/host/lanes/setup/run-commands';

describe('howItEnded', () => {
  it('says how a failed command ended, never "exited with null"', () => {
    expect(howItEnded({ exitCode: 2, timedOut: false, aborted: false })).toBe('exited with 2');
    expect(howItEnded({ exitCode: null, timedOut: true, aborted: false })).toBe('timed out');
    // Cancelled, or not started because the host is stopping (its output's tail says which).
    expect(howItEnded({ exitCode: null, timedOut: false, aborted: true })).toBe('was cut short');
    // Killed by a signal, a missing directory, a shell that could not start: the output says.
    expect(howItEnded({ exitCode: null, timedOut: false, aborted: false })).toBe('did not finish (its output says why)');
  });
});
