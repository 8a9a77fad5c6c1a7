// Builds the Node-side programs (host and CLI) into out/ with esbuild: one file each, our
// code bundled, packages left to node_modules (native addons load from there).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: { 'host/main': 'src/host/main.ts', 'cli/main': 'src/cli/main.ts' },
  outdir: 'out',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  define: { __GROVE_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
