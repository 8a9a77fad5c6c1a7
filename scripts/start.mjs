// `npm start`: the Electron app where Electron's binary is installed; otherwise the host in
// the background and the UI in the default browser (headless mode), said in one line.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const path = require('electron'); // the binary's path; throws if it was never downloaded
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const root = new URL('..', import.meta.url).pathname;
const electron = electronBinary();
if (electron) {
  const child = spawn(electron, [root], { stdio: 'inherit', env: { ...process.env, GROVE_NODE: process.execPath } });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('Electron is not installed here, so Grove runs in headless mode: starting the host and opening the UI in your browser.');
  const { main } = await import(new URL('../out/cli/main.js', import.meta.url).href);
  process.exitCode = await main(['open', ...process.argv.slice(2)]);
}
