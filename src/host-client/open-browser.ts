import { spawn } from 'node:child_process';

/** Opens a URL in the user's default browser, without a shell. */
export function openInBrowser(url: string): Promise<{ ok: boolean; message: string }> {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', (e) => resolve({ ok: false, message: `${cmd}: ${e.message}` }));
    child.on('spawn', () => {
      child.unref();
      resolve({ ok: true, message: '' });
    });
  });
}
