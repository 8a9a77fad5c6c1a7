import { spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A confined agent with `network: none` or `loopback` runs in a network namespace of its
 * own, whose loopback is not the host's: Grove's host (its hooks, its MCP server, `grove`
 * commands) is out of reach there. This small program runs first inside the namespace and
 * listens on the namespace's 127.0.0.1, carrying each connection over a Unix socket that the
 * host serves (host-bridge.ts) and the sandbox shows. Then it runs the agent's program on the
 * same terminal and ends as it ends.
 *
 *   net-forward --socket PATH --port N -- PROGRAM [ARGS…]       (network: none)
 *   net-forward --socket PATH --loopback -- PROGRAM [ARGS…]     (network: loopback)
 *
 * With `--port`, it listens at the host's port alone, so GROVE_URL works unchanged, and
 * nothing else is reachable: the namespace has no other interface. With `--loopback`, it
 * listens at every port the machine's loopback serves (the bridge says which), and looks
 * again every LOOK_MS for ports opened since (a dev server started later); each connection
 * goes to the same port on the machine's loopback, and still nothing beyond it.
 */
const LOOK_MS = 1000;

type Mode = { kind: 'port'; port: number } | { kind: 'loopback' };

function parse(argv: string[]): { socket: string; mode: Mode; program: string; args: string[] } {
  const dashes = argv.indexOf('--');
  const own = argv.slice(0, dashes < 0 ? argv.length : dashes);
  const value = (flag: string): string | undefined => (own.includes(flag) ? own[own.indexOf(flag) + 1] : undefined);
  const socket = value('--socket');
  const port = Number(value('--port'));
  const mode: Mode | null = own.includes('--loopback') ? { kind: 'loopback' } : Number.isInteger(port) && port > 0 ? { kind: 'port', port } : null;
  const [program, ...args] = dashes < 0 ? [] : argv.slice(dashes + 1);
  if (!socket || !mode || !program) {
    process.stderr.write('usage: net-forward --socket PATH (--port N | --loopback) -- PROGRAM [ARGS…]\n');
    process.exit(2);
  }
  return { socket, mode, program, args };
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

/** Carries `client` through the bridge; `hello` is what the bridge is told first (loopback: where to). */
function forward(socket: string, client: Socket, hello: string): void {
  client.pause();
  // From the start: a client reset while the bridge is still being reached must not end this
  // process, and with it the sandbox.
  client.on('error', () => client.destroy());
  reach(socket).then(
    (upstream) => {
      if (hello) upstream.write(hello);
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
}

/** The ports the machine's loopback serves now, as the bridge reads them; a bridge that does not answer within LOOK_MS fails it. */
function loopbackPorts(socket: string): Promise<number[]> {
  return reach(socket).then(
    (s) =>
      new Promise((resolve, reject) => {
        let text = '';
        s.setEncoding('utf8');
        s.setTimeout(LOOK_MS, () => s.destroy(new Error('the bridge did not answer')));
        s.on('data', (d: string) => (text += d));
        s.on('end', () => resolve(text.trim().split(',').filter(Boolean).map(Number).filter((p) => Number.isInteger(p) && p > 0 && p < 65536)));
        s.on('error', reject);
        s.write('PORTS\n');
      }),
  );
}

/** Listens at `port` on the namespace's `address`; resolves null when it cannot (taken, no IPv6, or below 1024 for a user). */
function listenAt(port: number, onConnection: (client: Socket) => void, address = '127.0.0.1'): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer(onConnection);
    server.once('error', () => resolve(null));
    server.listen(port, address, () => resolve(server));
  });
}

export async function main(argv: string[]): Promise<void> {
  const o = parse(argv);
  const servers: Server[] = [];
  if (o.mode.kind === 'port') {
    const { port } = o.mode;
    const server = await listenAt(port, (client) => forward(o.socket, client, ''));
    if (!server) {
      process.stderr.write(`[grove] cannot forward Grove's host into the sandbox (127.0.0.1:${port})\n`);
      process.exit(1);
    }
    servers.push(server);
  } else {
    const served = new Set<number>();
    let looking = false;
    let saidWhy = false;
    const look = async (): Promise<void> => {
      // One question at a time: a slow bridge does not pile them up.
      if (looking) return;
      looking = true;
      let ports: number[];
      try {
        ports = await loopbackPorts(o.socket);
        saidWhy = false;
      } catch (e) {
        // Once, not every second into the agent's terminal.
        if (!saidWhy) process.stderr.write(`[grove] cannot reach the machine's loopback from the sandbox: ${(e as Error).message}\n`);
        saidWhy = true;
        return;
      } finally {
        looking = false;
      }
      for (const port of ports) {
        if (served.has(port)) continue;
        served.add(port);
        // On ::1 too, where the namespace has IPv6: `localhost` means ::1 to some clients.
        for (const address of ['127.0.0.1', '::1']) {
          const server = await listenAt(port, (client) => forward(o.socket, client, `CONNECT ${port}\n`), address);
          if (server) servers.push(server);
        }
      }
    };
    // Before the program starts: Grove's own port (and what else is served now) answers at once.
    await look();
    setInterval(() => void look(), LOOK_MS).unref();
  }
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
    for (const server of servers) server.close();
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
}

void main(process.argv.slice(2));
