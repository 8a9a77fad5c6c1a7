import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, cliEntry, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { writeClaudeHookSettings } from '../../src/host/terminals/claude-hook-settings';

/**
 * Agents Grove starts find its MCP server with no secret on disk: Claude Code through an
 * `--mcp-config` file whose header names $GROVE_AGENT_TOKEN, Codex through `-c` overrides
 * with `bearer_token_env_var`; `agents.preview` shows the same argv; `grove mcp config`
 * prints the same for agents Grove did not start. Where the real Claude Code is installed,
 * it reads Grove's file, fills the token in from its environment and reports Grove connected.
 */
const run = promisify(execFile);

let host: HostProcess;
let recorder: string;

beforeAll(async () => {
  host = await startHostProcess();
  // Stands in for the preset's program: writes down its argv and its token, then waits.
  recorder = join(makeTempDir('grove-recorder-'), 'record-argv');
  writeFileSync(
    recorder,
    '#!/bin/sh\nfor a in "$@"; do printf \'%s\\n\' "$a"; done > "$RECORD.tmp" && printf %s "$GROVE_AGENT_TOKEN" > "$RECORD.token" && mv "$RECORD.tmp" "$RECORD"\nexec sleep 600\n',
  );
  chmodSync(recorder, 0o755);
});
afterAll(async () => {
  await stopAllHosts();
  removeTempDirs();
});

/** Starts PRESET with the recorder as its program; resolves with the argv it ran with and its token. */
async function recordedLaunch(preset: 'claude' | 'codex'): Promise<{ argv: string[]; token: string; lanePath: string; previewArgs: string[]; confined: boolean }> {
  const lanePath = makeTempDir('grove-lane-');
  // In the lane: a confined agent writes nowhere else.
  const record = join(lanePath, 'argv');
  const params = { lanePath, preset, command: recorder, env: { RECORD: record } };
  const preview = await api(host, 'agents.preview', params);
  expect(preview.body.ok, JSON.stringify(preview.body.error)).toBe(true);
  const started = await api(host, 'agents.start', { ...params, name: `${preset}-recorded` });
  expect(started.body.ok, JSON.stringify(started.body.error)).toBe(true);
  await expect.poll(() => existsSync(record)).toBe(true);
  return {
    argv: readFileSync(record, 'utf8').trimEnd().split('\n'),
    token: readFileSync(`${record}.token`, 'utf8'),
    lanePath,
    previewArgs: (preview.body.result as { args: string[] }).args,
    confined: (preview.body.result as { confinement: { confined: boolean } }).confinement.confined,
  };
}

/** Every file under DIR, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

let claudeConfigFile = '';
let claudeToken = '';

describe('Claude Code', () => {
  it('gets --mcp-config with a file naming $GROVE_AGENT_TOKEN, before its hook settings; the preview shows the same', async () => {
    const { argv, token, previewArgs } = await recordedLaunch('claude');
    expect(argv).toEqual(['--session-id', expect.any(String), '--mcp-config', expect.stringMatching(/\/mcp-config\.json$/), '--settings', expect.stringMatching(/\/hook-settings\.json$/)]);
    expect(previewArgs).toEqual(['--session-id', '(new session id)', '--mcp-config', '(Grove MCP config)', '--settings', '(Grove hook settings)']);
    claudeConfigFile = argv[3]!;
    claudeToken = token;
    expect(JSON.parse(readFileSync(claudeConfigFile, 'utf8'))).toEqual({
      mcpServers: { grove: { type: 'http', url: `${host.url}/mcp`, headers: { Authorization: 'Bearer ${GROVE_AGENT_TOKEN}' } } },
    });
    expect(statSync(claudeConfigFile).mode & 0o077).toBe(0);
    // No secret on disk: neither the agent's token nor the operator's is in any file Grove wrote for agents.
    for (const file of filesUnder(join(host.home, 'agents'))) {
      const text = readFileSync(file);
      expect(text.includes(token), file).toBe(false);
      expect(text.includes(host.token), file).toBe(false);
    }
  });

  it("loads the settings Grove hands it (hooks, and Grove's own MCP tools allowed) without a complaint (the real Claude Code)", async (ctx) => {
    const claude = await run('sh', ['-c', 'command -v claude']).then((r) => r.stdout.trim(), () => '');
    if (!claude) {
      console.log('SKIPPED: the real Claude Code (`claude`) is not on PATH; install it (npm i -g @anthropic-ai/claude-code) to run this test.');
      ctx.skip();
    }
    const dir = makeTempDir('grove-claude-settings-');
    const settings = join(dir, 'settings.json');
    writeClaudeHookSettings(settings, (event) => `true ${event}`);
    // Not logged in, it stops at once; a settings file it cannot load is named before that.
    const ask = (file: string) =>
      run(claude, ['--settings', file, '-p', 'hi'], { env: { ...process.env, HOME: makeTempDir('grove-claude-home-') }, cwd: dir, timeout: 60_000 }).then(
        (r) => r.stdout + r.stderr,
        (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
      );
    expect(await ask(settings)).not.toContain('did not load');
    // The check can fail: a wrong shape of the same rule is reported.
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ permissions: { allow: 'mcp__grove' } }));
    expect(await ask(wrong)).toContain('did not load');
  });

  it('reads that file and reports Grove connected, with the token from its environment (the real Claude Code)', async (ctx) => {
    const claude = await run('sh', ['-c', 'command -v claude']).then((r) => r.stdout.trim(), () => '');
    if (!claude) {
      console.log('SKIPPED: the real Claude Code (`claude`) is not on PATH; install it (npm i -g @anthropic-ai/claude-code) to run this test.');
      ctx.skip();
    }
    expect(claudeConfigFile).not.toBe('');
    const home = makeTempDir('grove-claude-home-');
    const env = { ...process.env, HOME: home, GROVE_AGENT_TOKEN: claudeToken };
    // `claude mcp list` reads Claude Code's own configuration, not --mcp-config: Grove's entry goes there as is.
    const entry = (JSON.parse(readFileSync(claudeConfigFile, 'utf8')) as { mcpServers: { grove: unknown } }).mcpServers.grove;
    await run(claude, ['mcp', 'add-json', '--scope', 'user', 'grove', JSON.stringify(entry)], { env, cwd: home, timeout: 60_000 });
    expect(readFileSync(join(home, '.claude.json'), 'utf8')).not.toContain(claudeToken);
    const listed = await run(claude, ['mcp', 'list'], { env, cwd: home, timeout: 60_000 });
    expect(listed.stdout).toMatch(new RegExp(`grove: ${host.url}/mcp \\(HTTP\\) - ✔ Connected`));
    // A wrong token in the environment is refused by the host: the header really comes from it.
    const wrong = await run(claude, ['mcp', 'list'], { env: { ...env, GROVE_AGENT_TOKEN: 'not-a-token' }, cwd: home, timeout: 60_000 });
    expect(wrong.stdout).toMatch(/grove: .* - ✘ Failed to connect.*401/);

    // What `grove mcp config --for claude` prints for an agent Grove did not start works the same.
    const printed = await run(process.execPath, [cliEntry, 'mcp', 'config', '--for', 'claude', '--json'], { env: { ...process.env, GROVE_HOME: host.home, GROVE_URL: '' } });
    const [, ...addJson] = (JSON.parse(printed.stdout) as { addJson: string[] }).addJson;
    const otherHome = makeTempDir('grove-claude-home-');
    const otherEnv = { ...env, HOME: otherHome, GROVE_URL: undefined };
    await run(claude, addJson, { env: otherEnv, cwd: otherHome, timeout: 60_000 });
    expect(readFileSync(join(otherHome, '.claude.json'), 'utf8')).toContain(`"url": "\${GROVE_URL:-${host.url}}/mcp"`);
    // (Claude Code lists the url as configured, as ${GROVE_URL}/mcp, and connects to what it expands to.)
    expect((await run(claude, ['mcp', 'list'], { env: otherEnv, cwd: otherHome, timeout: 60_000 })).stdout).toMatch(/grove: \$\{GROVE_URL[^}]*\}\/mcp \(HTTP\) - ✔ Connected/);
  }, 120_000);
});

describe('Codex', () => {
  it('gets -c overrides naming the URL and GROVE_AGENT_TOKEN as the bearer token variable; the preview shows the same', async () => {
    const { argv, previewArgs, confined } = await recordedLaunch('codex');
    const mcp = ['-c', `mcp_servers.grove.url="${host.url}/mcp"`, '-c', 'mcp_servers.grove.bearer_token_env_var="GROVE_AGENT_TOKEN"'];
    // Confined, Codex's own sandbox is told what it cannot have inside Grove's (presets.ts).
    const nested = confined ? ['-c', 'sandbox_workspace_write.exclude_slash_tmp=true'] : [];
    expect(argv).toEqual([...mcp, '-c', expect.stringMatching(/^notify=\[.*"hook","stop"\]$/), ...nested]);
    expect(previewArgs).toEqual([...mcp, '-c', 'notify=(grove hook stop)', ...nested]);
  });

  it('reads those overrides as Grove\'s server with the bearer token from the environment (the real Codex)', async (ctx) => {
    const codex = ['/tmp/codexp/node_modules/.bin/codex', ...(await run('sh', ['-c', 'command -v codex']).then((r) => [r.stdout.trim()], () => []))].find((p) => p && existsSync(p));
    if (!codex) {
      console.log('SKIPPED: the real Codex (`codex`) is not installed; install it (npm i -g @openai/codex) to run this test.');
      ctx.skip();
    }
    const { argv } = await recordedLaunch('codex');
    const overrides = argv.slice(0, 4);
    const got = await run(codex!, ['mcp', 'get', 'grove', '--json', ...overrides], { env: { ...process.env, CODEX_HOME: makeTempDir('grove-codex-home-') }, timeout: 60_000 });
    expect(JSON.parse(got.stdout)).toMatchObject({ name: 'grove', transport: { type: 'streamable_http', url: `${host.url}/mcp`, bearer_token_env_var: 'GROVE_AGENT_TOKEN' } });
  }, 120_000);
});

describe('grove mcp config', () => {
  const grove = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, [cliEntry, ...args], { env: { ...process.env, GROVE_HOME: host.home, GROVE_URL: '', ...env } });

  it('prints the configuration for Claude Code and Codex with the host\'s URL, naming the variables, never a token', async () => {
    const env = { GROVE_AGENT_TOKEN: 'agent-secret-in-env' };
    for (const client of ['claude', 'codex']) {
      for (const json of [[], ['--json']]) {
        const out = (await grove(['mcp', 'config', '--for', client, ...json], env)).stdout;
        expect(out).toContain('GROVE_AGENT_TOKEN');
        expect(out).toContain(`${host.url}`);
        expect(out).not.toContain(host.token);
        expect(out).not.toContain('agent-secret-in-env');
      }
    }
    const claude = JSON.parse((await grove(['mcp', 'config', '--for', 'claude', '--json'])).stdout) as { mcpConfig: unknown; environment: string[] };
    expect(claude.environment).toEqual(['GROVE_AGENT_TOKEN', 'GROVE_URL']);
    expect(claude.mcpConfig).toEqual({ mcpServers: { grove: { type: 'http', url: `\${GROVE_URL:-${host.url}}/mcp`, headers: { Authorization: 'Bearer ${GROVE_AGENT_TOKEN}' } } } });
    const codex = JSON.parse((await grove(['mcp', 'config', '--for', 'codex', '--json'])).stdout) as { args: string[]; toml: string };
    expect(codex.args).toEqual(['-c', `mcp_servers.grove.url="${host.url}/mcp"`, '-c', 'mcp_servers.grove.bearer_token_env_var="GROVE_AGENT_TOKEN"']);
    expect(codex.toml).toBe(`[mcp_servers.grove]\nurl = "${host.url}/mcp"\nbearer_token_env_var = "GROVE_AGENT_TOKEN"\n`);
  });

  it('takes the URL from --url or GROVE_URL, and refuses an unknown client', async () => {
    expect((await grove(['mcp', 'config', '--for', 'codex', '--url', 'http://127.0.0.1:7'])).stdout).toContain('url = "http://127.0.0.1:7/mcp"');
    expect((await grove(['mcp', 'config', '--for', 'codex'], { GROVE_URL: 'http://127.0.0.1:8' })).stdout).toContain('url = "http://127.0.0.1:8/mcp"');
    const refused = await grove(['mcp', 'config', '--for', 'vim']).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(refused).toMatchObject({ code: 2 });
    expect(refused!.stderr).toContain('--for takes claude or codex, not "vim"');
  });
});
