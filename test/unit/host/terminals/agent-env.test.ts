import { describe, expect, it } from 'vitest';
import { agentEnv, maskedEnv } from '../../../../src/host/terminals/agent-env';

const inputs = {
  base: { PATH: '/usr/bin', HOME: '/home/me', OPENROUTER_API_KEY: 'sk-or-live', GROVE_TOKEN: 'operator', GROVE_HOME: '/home/me/.grove', ELECTRON_RUN_AS_NODE: '1' },
  extra: { APP_ENV: 'local' },
  withhold: ['OPENROUTER_API_KEY'],
  agentId: 'a1',
  agentToken: 'agt_x',
  hostUrl: 'http://127.0.0.1:4100',
  lanePath: '/srv/flower-design',
};

describe('agent environment', () => {
  it('is the user\'s, plus the agent\'s own, minus what the lane withholds and the host\'s internals', () => {
    const env = agentEnv(inputs);
    expect(env).toMatchObject({ PATH: '/usr/bin', APP_ENV: 'local', GROVE_AGENT_ID: 'a1', GROVE_AGENT_TOKEN: 'agt_x', GROVE_URL: 'http://127.0.0.1:4100', GROVE_LANE: '/srv/flower-design', TERM: 'xterm-256color' });
    expect(env).not.toHaveProperty('OPENROUTER_API_KEY');
    expect(env).not.toHaveProperty('GROVE_TOKEN');
    expect(env).not.toHaveProperty('GROVE_HOME');
    expect(env).not.toHaveProperty('ELECTRON_RUN_AS_NODE');
  });

  it('masks values of secret-looking names, and only those', () => {
    const shown = maskedEnv({ AWS_SECRET_ACCESS_KEY: 'abc', DB_PASSWORD: 'pw', GROVE_AGENT_TOKEN: 't', SENTRY_DSN: 'https://k@x', PATH: '/usr/bin' });
    expect(shown.filter((v) => v.masked).map((v) => v.name)).toEqual(['AWS_SECRET_ACCESS_KEY', 'DB_PASSWORD', 'GROVE_AGENT_TOKEN', 'SENTRY_DSN']);
    expect(JSON.stringify(shown)).not.toMatch(/abc|"pw"|k@x/);
    expect(shown.find((v) => v.name === 'PATH')).toEqual({ name: 'PATH', value: '/usr/bin', masked: false });
  });
});
