// `npm run bench -- NAME [NAME...]`: builds bench/NAME.ts with esbuild and runs it. Each
// benchmark measures Grove against a baseline in the same run and prints JSON and a table.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const available = readdirSync(new URL('../bench', import.meta.url)).filter((f) => f.endsWith('.ts') && !f.startsWith('harness')).map((f) => f.slice(0, -3));
const names = process.argv.slice(2);
if (names.length === 0) {
  console.log(`Usage: npm run bench -- NAME...\nBenchmarks: ${available.join(', ')}`);
  process.exit(2);
}
for (const name of names) {
  if (!available.includes(name)) {
    console.error(`Unknown benchmark "${name}". Benchmarks: ${available.join(', ')}`);
    process.exit(2);
  }
}
if (!existsSync(new URL('../out/host/main.js', import.meta.url))) {
  console.error('Grove is not built: run `npm run build` first.');
  process.exit(1);
}
let failed = false;
for (const name of names) {
  const outfile = `.bench/${name}.mjs`;
  await build({ entryPoints: [`bench/${name}.ts`], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
  const r = spawnSync(process.execPath, [outfile], { stdio: 'inherit' });
  failed ||= r.status !== 0;
}
process.exit(failed ? 1 : 0);
