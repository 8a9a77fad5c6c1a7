import { describe, expect, it } from 'vitest';
import { readHostEnv } from '../../../src/host/host-env';
import { DEFAULT_STOP } from '../../../src/host/terminals/stop-agent-processes';
import { DEFAULT_RESTART } from '../../../src/host/terminals/supervision';

/** The host's settings from its environment (docs/configuration.md): a wrong value stops the host, naming the variable. */
describe('readHostEnv', () => {
  it('takes the defaults when nothing is set, and values within range', () => {
    const none = readHostEnv({});
    expect(none.ok && none.value).toMatchObject({ restart: DEFAULT_RESTART, stop: { graceMs: DEFAULT_STOP.graceMs } });
    const set = readHostEnv({ GROVE_STOP_GRACE_MS: '2000', GROVE_RESTART: '{"maxUnstableRestarts":2}', GROVE_SYNC_TIMEOUT_MS: '1500', GROVE_CLAIM_LEASE_MS: '6000' });
    expect(set.ok && set.value).toMatchObject({ restart: { ...DEFAULT_RESTART, maxUnstableRestarts: 2 }, stop: { graceMs: 2000 } });
  });

  it.each([
    [{ GROVE_RESTART: '{maxUnstableRestarts: 2}' }, 'GROVE_RESTART is not JSON'],
    [{ GROVE_RESTART: '{"retries":2}' }, 'GROVE_RESTART'],
    [{ GROVE_STOP_GRACE_MS: '5s' }, 'GROVE_STOP_GRACE_MS must be a whole number, not "5s"'],
    [{ GROVE_SCROLLBACK_BYTES: '-1' }, 'GROVE_SCROLLBACK_BYTES must be a whole number'],
    [{ GROVE_SYNC_TIMEOUT_MS: '50' }, 'GROVE_SYNC_TIMEOUT_MS must be a whole number of milliseconds from 100 to 600000, not "50"'],
    [{ GROVE_SYNC_TIMEOUT_MS: '10s' }, 'GROVE_SYNC_TIMEOUT_MS'],
    [{ GROVE_CLAIM_LEASE_MS: '7200000' }, 'GROVE_CLAIM_LEASE_MS must be a whole number of milliseconds from 1000 to 3600000, not "7200000"'],
    [{ GROVE_CLAIM_LEASE_MS: '1500.5' }, 'GROVE_CLAIM_LEASE_MS'],
  ])('refuses %j, naming it', (env, message) => {
    const r = readHostEnv(env);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });
});
