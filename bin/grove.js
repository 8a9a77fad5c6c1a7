#!/usr/bin/env node
// The `grove` command in a checkout. The CLI is built into out/ by `npm run build`
// (npm install runs it through the "prepare" script).
import { existsSync } from 'node:fs';

const entry = new URL('../out/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('grove: this checkout is not built yet. Run `npm run build` in it (npm install does so too).\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
