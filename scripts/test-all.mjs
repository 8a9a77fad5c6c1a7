// `npm test`: lint, both typechecks, build, unit + integration (vitest), e2e + shell
// (Playwright), then one summary line that any CI can read: "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reports = join(root, '.test-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const steps = [
  ['lint', 'npx', ['eslint', '.']],
  ['typecheck (node side)', 'npx', ['tsc', '-p', 'tsconfig.node.json']],
  ['typecheck (web side)', 'npx', ['tsc', '-p', 'tsconfig.web.json']],
  ['build', 'npm', ['run', 'build', '--silent']],
  ['unit + integration (vitest)', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, 'vitest.json')}`]],
  ['e2e + shell (playwright)', 'npx', ['playwright', 'test']],
];

const failed = [];
for (const [name, cmd, args] of steps) {
  console.log(`\n── ${name} ──`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: join(reports, 'playwright.json') } });
  if (r.status !== 0) failed.push(name);
  // Without a clean lint, typecheck and build the tests would only report noise.
  if (r.status !== 0 && !name.includes('vitest') && !name.includes('playwright')) break;
}

let passed = 0, failedTests = 0, skipped = 0;
const vitest = join(reports, 'vitest.json');
if (existsSync(vitest)) {
  const v = JSON.parse(readFileSync(vitest, 'utf8'));
  passed += v.numPassedTests;
  failedTests += v.numFailedTests;
  skipped += v.numPendingTests + (v.numTodoTests ?? 0);
  console.log(`vitest: ${v.numPassedTests} passed, ${v.numFailedTests} failed, ${v.numPendingTests} skipped`);
}
const pw = join(reports, 'playwright.json');
if (existsSync(pw)) {
  const p = JSON.parse(readFileSync(pw, 'utf8')).stats;
  passed += p.expected + p.flaky;
  failedTests += p.unexpected;
  skipped += p.skipped;
  console.log(`playwright: ${p.expected + p.flaky} passed, ${p.unexpected} failed, ${p.skipped} skipped`);
}
if (failed.length) console.log(`failed steps: ${failed.join(', ')}`);
console.log(`tests: ${passed} passed, ${failedTests} failed, ${skipped} skipped`);
process.exit(failed.length || failedTests ? 1 : 0);
