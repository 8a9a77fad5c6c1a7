// Builds the Node-side programs (host and CLI) into out/ with esbuild: one file each, with
// their JavaScript dependencies bundled in, which halves the host's cold start (resolving
// and loading hundreds of small modules is most of it). Native addons stay in node_modules.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: { 'host/main': 'src/host/main.ts', 'cli/main': 'src/cli/main.ts', 'host/net-forward': 'src/host/confine/net-forward.ts' },
  outdir: 'out',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'node-pty', 'bufferutil', 'utf-8-validate'],
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __groveCreateRequire } from 'node:module'; const require = __groveCreateRequire(import.meta.url);" },
  sourcemap: true,
  define: { __GROVE_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
