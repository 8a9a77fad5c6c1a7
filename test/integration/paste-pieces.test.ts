import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { until } from '../fixtures/wait-until';
import { openSocket, type RecordingSocket } from '../fixtures/ws-client';

/**
 * A paste larger than one `agents.input` call goes in pieces (the UI's input-pieces.ts), and
 * arrives whole or not at all: the host holds the pieces sent with `more` on their socket and
 * writes them with the last. Half of a bracketed paste would leave the program waiting for
 * the paste's end. The agent here copies its raw input to a file, byte for byte.
 */
afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

const PIECE = 512 * 1024;

async function recorder(host: HostProcess): Promise<{ id: string; out: string }> {
  const lane = realpathSync(makeTempDir('grove-lane-'));
  const out = join(lane, 'received');
  // Raw, so the terminal's line discipline neither cuts long lines nor echoes.
  const started = await api(host, 'agents.start', { lanePath: lane, preset: 'custom', command: '/bin/sh', args: ['-c', `stty raw -echo; echo ready; exec cat > ${out}`], name: 'recorder' });
  expect(started.body.ok, JSON.stringify(started.body)).toBe(true);
  const id = (started.body.result as { agent: { id: string } }).agent.id;
  await until('the recorder to start', async () => existsSync(out), 10_000);
  return { id, out };
}

let seq = 0;
async function input(socket: RecordingSocket, params: object): Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }> {
  const id = `paste-${++seq}`;
  const from = socket.frames.length;
  socket.send({ kind: 'request', id, method: 'agents.input', params });
  const answer = await socket.waitFor((f) => f.kind === 'response' && f.id === id, from, 20_000);
  return answer as unknown as { ok: boolean; result?: unknown; error?: { code: string; message: string } };
}

const received = (out: string): string => readFileSync(out, 'latin1');

describe('a paste in pieces', () => {
  it('is written whole with its last piece; a socket closed before it writes none of it', async () => {
    const host = await startHostProcess();
    const { id, out } = await recorder(host);

    const dropped = await openSocket(host.url, host.token);
    expect(await input(dropped, { id, data: 'A'.repeat(PIECE), more: true })).toMatchObject({ ok: true, result: { accepted: 0 } });
    await dropped.close();
    // Keys typed meanwhile on another socket arrive at once, and nothing of the dropped paste does.
    const socket = await openSocket(host.url, host.token);
    expect(await input(socket, { id, data: 'k' })).toMatchObject({ ok: true, result: { accepted: 1 } });
    await until('the key typed meanwhile', async () => received(out) === 'k', 10_000);

    expect(await input(socket, { id, data: 'B'.repeat(PIECE), more: true })).toMatchObject({ ok: true, result: { accepted: 0 } });
    expect(await input(socket, { id, data: 'C'.repeat(PIECE), more: true })).toMatchObject({ ok: true, result: { accepted: 0 } });
    await new Promise((r) => setTimeout(r, 300));
    expect(received(out)).toBe('k');
    expect(await input(socket, { id, data: 'D\x1b[201~' })).toMatchObject({ ok: true, result: { accepted: 2 * PIECE + 7 } });
    await until('the whole paste', async () => received(out).length === 1 + 2 * PIECE + 7, 20_000);
    expect(received(out)).toBe(`k${'B'.repeat(PIECE)}${'C'.repeat(PIECE)}D\x1b[201~`);
    await socket.close();
  });

  it('is refused over HTTP and past 16 Mi characters held, saying so, and nothing of it is written', async () => {
    const host = await startHostProcess();
    const { id, out } = await recorder(host);
    const http = await api(host, 'agents.input', { id, data: 'x', more: true });
    expect(http.body).toMatchObject({ ok: false, error: { code: 'needs_websocket' } });

    const socket = await openSocket(host.url, host.token);
    const piece = 'P'.repeat(PIECE);
    let refused: { code: string; message: string } | undefined;
    for (let i = 0; i < 40 && !refused; i++) refused = (await input(socket, { id, data: piece, more: true })).error;
    expect(refused).toMatchObject({ code: 'payload_too_large' });
    expect(refused!.message).toContain('16 Mi characters');
    // The rest of that paste is refused too, its last piece included: its tail alone is not written as if it were the paste.
    expect(await input(socket, { id, data: piece, more: true })).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
    expect(await input(socket, { id, data: 'the end of it' })).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
    // Then the next input starts afresh and is all that arrives.
    expect(await input(socket, { id, data: 'after' })).toMatchObject({ ok: true, result: { accepted: 5 } });
    await until('the input after the refusal', async () => received(out) === 'after', 10_000);
    await socket.close();
  });
});
