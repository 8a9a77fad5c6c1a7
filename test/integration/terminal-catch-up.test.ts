import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as XtermHeadless from '@xterm/headless';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../src/shared/agents';
import { groveEnv } from '../fixtures/grove-cli';
import { api, cliEntry, repoRoot, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { openTerminalClient, terminalModesOf, type TerminalClient, type TerminalClientOptions, type TerminalModesSeen } from '../fixtures/terminal-client';

/**
 * Terminals at the speed of the PTY (issue 15): a real host drains a flooding agent into its
 * log whatever its clients do; a client that falls behind jumps to the end and still shows
 * the screen a terminal fed every byte would show; the host's own screen reader still sees
 * what the agent asks once the flood is over.
 */
const { Terminal } = createRequire(import.meta.url)('@xterm/headless') as typeof XtermHeadless;
const flood = join(repoRoot, 'test', 'fixtures', 'agents', 'flood.mjs');
const screenFlood = join(repoRoot, 'test', 'fixtures', 'agents', 'screen-flood.mjs');
const COLS = 100;
const ROWS = 30;
const MiB = 1024 * 1024;

const clients: TerminalClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await stopAllHosts();
  removeTempDirs();
});

async function client(host: HostProcess, options?: TerminalClientOptions): Promise<TerminalClient> {
  const c = await openTerminalClient(host.url, host.token, options);
  clients.push(c);
  return c;
}

async function startAgent(host: HostProcess, params: Record<string, unknown>): Promise<AgentInfo> {
  const r = await api(host, 'agents.start', { lanePath: realpathSync(makeTempDir('grove-lane-')), cols: COLS, rows: ROWS, ...params });
  expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  return (r.body.result as { agent: AgentInfo }).agent;
}

async function agentInfo(host: HostProcess, id: string): Promise<AgentInfo> {
  const r = await api(host, 'agents.list');
  return (r.body.result as { agents: AgentInfo[] }).agents.find((a) => a.id === id)!;
}

/** The screen of a terminal of the agent's size fed `stream` whole, as the client reports its own. */
async function referenceScreen(stream: Buffer): Promise<string> {
  const t = new Terminal({ cols: COLS, rows: ROWS, scrollback: 0, allowProposedApi: true });
  for (let i = 0; i < stream.length; i += MiB) await new Promise<void>((r) => t.write(stream.subarray(i, i + MiB), r));
  const buf = t.buffer.active;
  const rows: string[] = [];
  for (let y = buf.viewportY; y < buf.viewportY + ROWS; y++) rows.push(buf.getLine(y)?.translateToString(true) ?? '');
  t.dispose();
  return `${buf.type}\n${rows.join('\n')}`;
}

/** The modes of a terminal of the agent's size fed `stream` whole. */
async function referenceModes(stream: Buffer): Promise<TerminalModesSeen> {
  const t = new Terminal({ cols: COLS, rows: ROWS, scrollback: 0, allowProposedApi: true });
  for (let i = 0; i < stream.length; i += MiB) await new Promise<void>((r) => t.write(stream.subarray(i, i + MiB), r));
  const modes = terminalModesOf(t);
  t.dispose();
  return modes;
}

/** An agent that printed a screen-flood (`mode`, `bytes`) and holds still, all of it in its log; and what it printed. */
async function floodedAgent(host: HostProcess, mode: 'lines' | 'tui', bytes: number): Promise<{ agent: AgentInfo; stream: Buffer }> {
  const lanePath = realpathSync(makeTempDir('grove-lane-')); // the flood's copy goes in its lane: a confined agent writes nowhere else
  const copy = join(lanePath, 'stream');
  const agent = await startAgent(host, { lanePath, preset: 'custom', command: process.execPath, args: [screenFlood, mode, String(bytes), copy] });
  await expect.poll(() => existsSync(`${copy}.done`), { timeout: 60_000 }).toBe(true);
  const stream = producedStream(copy);
  await expect.poll(async () => (await agentInfo(host, agent.id)).outputEnd, { timeout: 30_000 }).toBeGreaterThanOrEqual(stream.length);
  return { agent, stream };
}

/** What the producer wrote, as its terminal passed it on (the PTY turns each \n into \r\n). */
function producedStream(copy: string): Buffer {
  return Buffer.from(readFileSync(copy, 'latin1').replaceAll('\n', '\r\n'), 'latin1');
}

describe('terminals at the speed of the PTY', () => {
  it('a client that acknowledges slowly never slows the agent: it finishes while the client has taken little', async () => {
    const host = await startHostProcess();
    const bytes = 48 * MiB;
    const agent = await startAgent(host, { preset: 'custom', command: '/bin/sh', args: ['-c', `stty raw -echo; exec "${process.execPath}" "${flood}" ${bytes}`], restart: 'never' });
    const slow = await client(host, { ackDelayMs: 1000 });
    await slow.attach(agent.id, 0);
    // The flood is drained whole (the agent exits after its last line) ...
    await expect.poll(async () => (await agentInfo(host, agent.id)).supervision.kind, { timeout: 120_000, interval: 200 }).toBe('exited');
    const end = (await agentInfo(host, agent.id)).outputEnd;
    expect(end).toBeGreaterThan(bytes);
    // ... while the client, sent one window per ack round trip, has received a small part of it.
    expect(slow.receivedTotal(agent.id)).toBeLessThan(bytes / 4);
    expect(slow.detachedReasons).toEqual([]);
    // The log kept its cap (8 MiB) of the end, byte-exact: the last line is the checksum line.
    const tail = await api(host, 'agents.output', { id: agent.id, since: end - 200, limit: 200 });
    expect(Buffer.from((tail.body.result as { data: string }).data, 'base64').toString()).toMatch(/FLOOD DONE [0-9a-f]{64}\n$/);
    // A client that may not jump, whose next bytes left the log, goes on from the oldest kept, told so.
    await expect.poll(() => slow.jumps(agent.id).length, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(slow.jumps(agent.id)[0]).toMatchObject({ reason: 'gone', fromOffset: expect.any(Number) });
  });

  for (const mode of ['lines', 'redraw'] as const) {
    it(`a UI-like client that falls behind a flood jumps, says how much it skipped, and ends on the reference screen (${mode})`, async () => {
      const host = await startHostProcess();
      const lanePath = realpathSync(makeTempDir('grove-lane-')); // the flood's copy goes in its lane: a confined agent writes nowhere else
  const copy = join(lanePath, 'stream');
      const agent = await startAgent(host, { lanePath, preset: 'custom', command: process.execPath, args: [screenFlood, mode, String(40 * MiB), copy] });
      const ui = await client(host, { screen: { cols: COLS, rows: ROWS } });
      // It parses what it is sent but acknowledges nothing until the flood is over: as far
      // behind as a client can be. Then it catches up, as a slow screen would.
      ui.setAcking(false);
      await ui.attach(agent.id, 0, { jump: true });
      await expect.poll(() => existsSync(`${copy}.done`), { timeout: 120_000, interval: 200 }).toBe(true);
      expect(ui.receivedTotal(agent.id)).toBeLessThanOrEqual(1024 * 1024); // one window, not the flood
      ui.setAcking(true);
      const stream = producedStream(copy);
      await expect.poll(async () => (await agentInfo(host, agent.id)).outputEnd, { timeout: 30_000 }).toBeGreaterThanOrEqual(stream.length);
      const end = (await agentInfo(host, agent.id)).outputEnd;
      await expect.poll(() => ui.ackedTo(agent.id), { timeout: 30_000 }).toBe(end);

      const jumps = ui.jumps(agent.id);
      expect(jumps.length).toBeGreaterThan(0);
      const skipped = jumps.reduce((sum, j) => sum + j.skippedBytes, 0);
      expect(skipped).toBeGreaterThan(30 * MiB); // it never parsed the flood
      expect(ui.receivedTotal(agent.id)).toBeLessThan(2 * MiB);
      // Behind, or (it held its window so long) its next bytes left the log: near the end either way.
      for (const j of jumps) expect(j.skippedBytes).toBe(j.toOffset - j.fromOffset);
      expect(end - jumps.at(-1)!.toOffset).toBeLessThanOrEqual(256 * 1024);
      expect(await ui.screenText(agent.id)).toBe(await referenceScreen(stream));
    });
  }

  it("a UI-like client that jumps past a TUI's flood keeps the TUI's modes: a paste is still bracketed, keys and mouse reports still encoded", async () => {
    const host = await startHostProcess();
    const { agent, stream } = await floodedAgent(host, 'tui', 6 * MiB);
    const ui = await client(host, { screen: { cols: COLS, rows: ROWS } });
    await ui.attach(agent.id, 0, { jump: true });
    await expect.poll(() => ui.ackedTo(agent.id), { timeout: 30_000 }).toBe(stream.length);
    expect(ui.jumps(agent.id)).toHaveLength(1);
    const reference = await referenceModes(stream);
    expect(reference.modes.bracketedPasteMode).toBe(true); // the fixture set it, long before the jump
    expect(await ui.screenModes(agent.id)).toEqual(reference);
    expect(await ui.screenText(agent.id)).toBe(await referenceScreen(stream));
  });

  it('a pane opened on an agent after a flood is replayed what the log keeps, without a jump; a client asking for bytes no longer kept is told so', async () => {
    const host = await startHostProcess();
    const { agent, stream } = await floodedAgent(host, 'lines', 20 * MiB);
    // A pane opening (no `since`, may jump): the retained log, from a line start, to the end.
    const pane = await client(host, { screen: { cols: COLS, rows: ROWS } });
    const opened = await pane.attach(agent.id, undefined, { jump: true });
    await expect.poll(() => pane.ackedTo(agent.id), { timeout: 30_000 }).toBe(stream.length);
    expect(pane.jumps(agent.id)).toEqual([]);
    expect(opened.from).toBeGreaterThan(0); // the log dropped the oldest bytes
    expect(stream[opened.from - 1]).toBe(0x0a);
    expect(pane.startOffset(agent.id)).toBe(opened.from);
    expect(pane.received(agent.id).equals(stream.subarray(opened.from))).toBe(true);
    // A client that may not jump asks for offset 0: a `gone` jump says what it cannot have,
    // and it goes on at a line start, not inside a character or an escape sequence.
    const pipe = await client(host);
    const asked = await pipe.attach(agent.id, 0);
    expect(asked.gap).toBe(true);
    expect(pipe.jumps(agent.id)).toMatchObject([{ reason: 'gone', fromOffset: 0, toOffset: opened.from }]);
    expect(asked.from).toBe(opened.from);
    await expect.poll(() => pipe.received(agent.id).length, { timeout: 30_000 }).toBe(stream.length - opened.from);
  });

  it("a pane opened on a TUI whose log no longer holds its start gets the TUI's modes first, as a jump that skips nothing", async () => {
    const host = await startHostProcess();
    const { agent, stream } = await floodedAgent(host, 'tui', 20 * MiB);
    const pane = await client(host, { screen: { cols: COLS, rows: ROWS } });
    const opened = await pane.attach(agent.id, undefined, { jump: true });
    await expect.poll(() => pane.ackedTo(agent.id), { timeout: 30_000 }).toBe(stream.length);
    expect(opened.from).toBeGreaterThan(0); // the bytes that set the modes are gone from the log
    expect(pane.jumps(agent.id)).toMatchObject([{ reason: 'attach', fromOffset: opened.from, toOffset: opened.from, skippedBytes: 0 }]);
    const reference = await referenceModes(stream);
    expect(reference.modes.bracketedPasteMode).toBe(true);
    expect(await pane.screenModes(agent.id)).toEqual(reference);
  });

  it('a client that never jumps still gets every retained byte in order after a flood', async () => {
    const host = await startHostProcess();
    const lanePath = realpathSync(makeTempDir('grove-lane-')); // the flood's copy goes in its lane: a confined agent writes nowhere else
  const copy = join(lanePath, 'stream');
    const agent = await startAgent(host, { lanePath, preset: 'custom', command: process.execPath, args: [screenFlood, 'lines', String(4 * MiB), copy] });
    const c = await client(host);
    await c.attach(agent.id, 0);
    await expect.poll(() => existsSync(`${copy}.done`), { timeout: 60_000 }).toBe(true);
    const stream = producedStream(copy);
    await expect.poll(() => c.received(agent.id).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(stream.length);
    expect(c.jumps(agent.id)).toEqual([]);
    expect(c.received(agent.id).subarray(0, stream.length).equals(stream)).toBe(true);
  });

  it('`grove agent tail -f` into a pipe nobody reads never holds the agent; when read again it skips, saying so on stderr', async () => {
    const host = await startHostProcess();
    const bytes = 24 * MiB;
    const agent = await startAgent(host, { preset: 'custom', command: '/bin/sh', args: ['-c', `stty raw -echo; read go; exec "${process.execPath}" "${flood}" ${bytes}`], restart: 'never', name: 'flooder' });
    const tail = spawn(process.execPath, [cliEntry, 'agent', 'tail', '-f', 'flooder', '--since', '0'], { env: groveEnv(host), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stderr = '';
      tail.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Nobody reads its stdout yet: the pipe fills and its writes wait.
      await api(host, 'agents.input', { id: agent.id, data: 'go\n' });
      await expect.poll(async () => (await agentInfo(host, agent.id)).supervision.kind, { timeout: 120_000, interval: 200 }).toBe('exited');
      let out = '';
      tail.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
      await expect.poll(() => out, { timeout: 60_000 }).toMatch(/FLOOD DONE [0-9a-f]{64}\n/);
      expect(stderr).toMatch(/^\[grove\] skipped \d+(\.\d)? MiB of flooder's output \(offsets \d+-\d+\): no longer kept/m);
      // What it did print after the skip is the log's retained end, byte for byte, in order.
      const end = (await agentInfo(host, agent.id)).outputEnd;
      const kept = await api(host, 'agents.output', { id: agent.id, since: end - 1024 * 1024, limit: 1024 * 1024 });
      expect(out.endsWith(Buffer.from((kept.body.result as { data: string }).data, 'base64').toString('latin1'))).toBe(true);
    } finally {
      tail.kill('SIGINT');
    }
  });

  it('`grove agent tail -f --since` past the end of the log says so on stderr and prints what the agent prints next', async () => {
    // A --since past the end is what a tail that reconnects finds when the host's log lost its
    // last bytes (a crash before they reached the disk): offsets it wrote are reused by new output.
    const host = await startHostProcess();
    const agent = await startAgent(host, { preset: 'custom', command: '/bin/sh', args: ['-c', 'stty -echo; while read l; do echo "said $l"; done'], restart: 'never', name: 'echoer' });
    await api(host, 'agents.input', { id: agent.id, data: 'one\n' });
    // Its answer in the log (the terminal may echo the line before `stty -echo` runs): the log ends there.
    const output = async () => Buffer.from(((await api(host, 'agents.output', { id: agent.id, since: 0, limit: 65536 })).body.result as { data: string }).data, 'base64').toString();
    await expect.poll(output, { timeout: 15_000 }).toContain('said one\r\n');
    const end = (await agentInfo(host, agent.id)).outputEnd;
    expect(Buffer.byteLength(await output())).toBe(end);
    const since = end + 5000;
    const tail = spawn(process.execPath, [cliEntry, 'agent', 'tail', '-f', 'echoer', '--since', String(since)], { env: groveEnv(host), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stderr = '';
      let out = '';
      tail.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      tail.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await expect.poll(() => stderr, { timeout: 15_000 }).toContain(`echoer's output log ends at offset ${end}, before offset ${since} written here`);
      await api(host, 'agents.input', { id: agent.id, data: 'two\n' });
      // Without being told, it would have taken these bytes (offsets below `since`) for ones it had.
      await expect.poll(() => out, { timeout: 15_000 }).toContain('said two');
      expect(out).not.toContain('said one');
    } finally {
      tail.kill('SIGINT');
    }
  });

  it("the host's screen reader still sees a permission prompt drawn after a flood", async () => {
    const host = await startHostProcess();
    const dir = realpathSync(makeTempDir('grove-lane-'));
    const copy = join(dir, 'stream');
    const script = join(dir, 'flooding-claude.sh');
    // A Claude-like CLI without hooks: it prints a flood, then draws its permission dialog.
    const dialog = join(repoRoot, 'test', 'fixtures', 'screens', 'claude-permission.ansi');
    writeFileSync(script, `#!/bin/sh\nexec "${process.execPath}" "${screenFlood}" lines ${40 * MiB} "${copy}" "${dialog}"\n`, { mode: 0o755 });
    const agent = await startAgent(host, { lanePath: dir, preset: 'claude', command: script, env: { HOME: makeTempDir() } });
    await expect.poll(() => existsSync(`${copy}.done`), { timeout: 120_000, interval: 200 }).toBe(true);
    await expect.poll(async () => (await agentInfo(host, agent.id)).activity, { timeout: 15_000 }).toMatchObject({ state: 'waiting', signal: 'screen', detail: 'permission_prompt' });
  });
});
