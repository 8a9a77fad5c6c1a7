import { describe, expect, it } from 'vitest';
import { describeDuration, describeExit, lastLine } from '../../../../src/host/notify/notification-wording';

/** The small pieces notifications are worded with. */
describe('notification wording', () => {
  it('takes the last line a person would read off terminal output', () => {
    expect(lastLine('starting…\r\n\x1b[31mPHP Fatal error:\x1b[0m Cannot redeclare dispatch()\r\n\r\n')).toBe('PHP Fatal error: Cannot redeclare dispatch()');
    // A progress line redrawn with \r shows its last state.
    expect(lastLine('Downloading 10%\rDownloading 55%\rfailed: ECONNRESET  \n')).toBe('failed: ECONNRESET');
    expect(lastLine('\x1b[2J\x1b[H\n   \n')).toBeNull();
    expect(lastLine(null)).toBeNull();
    expect(lastLine('x'.repeat(500))).toHaveLength(200);
    // A gate's own last words, not Grove's note that closes its output (unless that is all there is).
    const gate = 'PHP Fatal error: Cannot redeclare dispatch()\n[grove] `php artisan about` exited with code 255\n';
    expect(lastLine(gate, { skipNotes: true })).toBe('PHP Fatal error: Cannot redeclare dispatch()');
    expect(lastLine(gate)).toBe('[grove] `php artisan about` exited with code 255');
    expect(lastLine('[grove] `true` timed out\n', { skipNotes: true })).toBe('[grove] `true` timed out');
  });

  it('says how a process ended and how long something took', () => {
    expect(describeExit(255, null)).toBe('exit 255');
    expect(describeExit(null, 9)).toBe('SIGKILL');
    expect(describeExit(null, null)).toBe('exit ?');
    expect([describeDuration(50), describeDuration(30_400), describeDuration(12 * 60_000), describeDuration(135 * 60_000)]).toEqual(['50 ms', '30 s', '12 min', '2 h 15 min']);
  });
});
