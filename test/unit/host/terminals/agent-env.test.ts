import { describe, expect, it } from 'vitest';
import { agentEnv, maskedEnv } from '../../../../src/host/terminals/agent-env';
import { envSecretMask } from '../../../../src/host/env-secrets';
import { withheldFor } from '../../../../src/host/lanes/lane-context';

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

  it('masks the password a URL carries whatever its name, keeps the rest of the URL readable, and takes MYSQL_PWD for a secret but not PWD', () => {
    const shown = maskedEnv({
      DATABASE_URL: 'postgres://app:s3cret-pass@db.internal:5432/flower',
      REDIS_URL: 'redis://:hunter2-redis@cache:6379/0',
      HOMEPAGE: 'https://example.com/a:b@c',
      MYSQL_PWD: 'mysql-secret',
      PWD: '/srv/flower',
      OLDPWD: '/srv',
    });
    const byName = Object.fromEntries(shown.map((v) => [v.name, v]));
    expect(byName.DATABASE_URL).toEqual({ name: 'DATABASE_URL', value: 'postgres://app:••••••@db.internal:5432/flower', masked: true });
    expect(byName.REDIS_URL).toEqual({ name: 'REDIS_URL', value: 'redis://:••••••@cache:6379/0', masked: true });
    expect(byName.HOMEPAGE!.masked).toBe(false);
    expect(byName.MYSQL_PWD).toEqual({ name: 'MYSQL_PWD', value: '••••••', masked: true });
    expect([byName.PWD!.masked, byName.OLDPWD!.masked]).toEqual([false, false]);
    expect(JSON.stringify(shown)).not.toMatch(/s3cret-pass|hunter2-redis|mysql-secret/);
  });

  it('hides those passwords from what commands print, and a key-less lane with an unreadable grove.yaml goes without them', () => {
    const env = { DATABASE_URL: 'postgres://app:s3cret-pass@db.internal/flower', APP_ENV: 'local', API_TOKEN: 'tok-123456789' };
    expect(envSecretMask(env)('connecting to postgres://app:s3cret-pass@db.internal/flower as app (s3cret-pass)')).not.toContain('s3cret-pass');
    expect(withheldFor(env, true, null).sort()).toEqual(['API_TOKEN', 'DATABASE_URL']);
  });
});

