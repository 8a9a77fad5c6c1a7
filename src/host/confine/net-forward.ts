import { spawn } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';

/**
 * A confined agent with `network: none` runs in a network namespace of its own, whose
 * loopback is not the host's: Grove's host (its hooks, its MCP server, `grove` commands) is
 * out of reach there. This small program runs first inside the namespace: it listens on
 * the namespace's 127.0.0.1 at the host's port, so GROVE_URL works unchanged, and carries
 * each connection over a Unix socket that the host serves (host-bridge.ts) and the sandbox
 * shows. Then it runs the agent's program on the same terminal and ends as it ends.
 *
 *   net-forward --socket PATH --port N -- PROGRAM [ARGS…]
 *
 * Nothing else is reachable: the namespace has no other interface.
 */
function parse(argv: string[]): { socket: string; port: number; program: string; args: string[] } {
  const dashes = argv.indexOf('--');
  const own = argv.slice(0, dashes < 0 ? argv.length : dashes);
  const value = (flag: string): string | undefined => own[own.indexOf(flag) + 1];
  const socket = value('--socket');
  const port = Number(value('--port'));
  const [program, ...args] = dashes < 0 ? [] : argv.slice(dashes + 1);
  if (!socket || !Number.isInteger(port) || port <= 0 || !program) {
    process.stderr.write('usage: net-forward --socket PATH --port N -- PROGRAM [ARGS…]\n');
    process.exit(2);
  }
  return { socket, port, program, args };
}

/** The host's bridge may still be starting when the first call comes: a few tries. */
function reach(socket: string, tries = 20): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(socket);
    s.once('connect', () => resolve(s));
    s.once('error', (e: NodeJS.ErrnoException) => {
      if (tries > 0 && (e.code === 'ENOENT' || e.code === 'ECONNREFUSED')) setTimeout(() => void reach(socket, tries - 1).then(resolve, reject), 100);
      else reject(e);
    });
  });
}

export function main(argv: string[]): void {
  const o = parse(argv);
  const server = createServer((client) => {
    client.pause();
    reach(o.socket).then(
      (upstream) => {
        client.pipe(upstream).pipe(client);
        client.resume();
        const end = (): void => {
          client.destroy();
          upstream.destroy();
        };
        client.on('error', end).on('close', end);
        upstream.on('error', end).on('close', end);
      },
      () => client.destroy(),
    );
  });
  server.on('error', (e) => {
    process.stderr.write(`[grove] cannot forward Grove's host into the sandbox (127.0.0.1:${o.port}): ${e.message}\n`);
    process.exit(1);
  });
  server.listen(o.port, '127.0.0.1', () => {
    // The keys the terminal turns into signals are the agent's business: it decides what
    // Ctrl+C means. This process only outlives it long enough to pass on how it ended.
    for (const s of ['SIGINT', 'SIGQUIT', 'SIGTSTP'] as const) process.on(s, () => undefined);
    const child = spawn(o.program, o.args, { stdio: 'inherit' });
    for (const s of ['SIGTERM', 'SIGHUP'] as const) process.on(s, () => child.kill(s));
    child.on('error', (e) => {
      process.stderr.write(`[grove] could not start ${o.program}: ${e.message}\n`);
      process.exit(127);
    });
    child.on('exit', (code, signal) => {
      server.close();
      if (signal) {
        process.removeAllListeners(signal);
        process.kill(process.pid, signal);
      }
      process.exit(code ?? 1);
    });
  });
}

main(process.argv.slice(2));
