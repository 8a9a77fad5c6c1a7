// `npm test`: lint, both typechecks, build, unit + integration (vitest), e2e + shell
// (Playwright), then one summary line that any CI can read: "tests: N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reports = join(root, '.test-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const env = { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: join(reports, 'playwright.json') };

// Lint and both typechecks only read the sources: they run side by side (about half a minute
// less on a 2-core machine), each one's output printed whole once it ends.
const checks = [
  ['lint', 'npx', ['eslint', '.']],
  ['typecheck (node side)', 'npx', ['tsc', '-p', 'tsconfig.node.json']],
  ['typecheck (web side)', 'npx', ['tsc', '-p', 'tsconfig.web.json']],
];
const steps = [
  ['build', 'npm', ['run', 'build', '--silent']],
  ['unit + integration (vitest)', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, 'vitest.json')}`]],
  ['e2e + shell (playwright)', 'npx', ['playwright', 'test']],
];

function runBuffered([name, cmd, args]) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => out.push(d));
    child.on('error', (e) => out.push(Buffer.from(`${e.message}\n`)));
    child.on('close', (code) => {
      console.log(`\n── ${name} ──`);
      process.stdout.write(Buffer.concat(out));
      resolve(code === 0 ? null : name);
    });
  });
}

const failed = (await Promise.all(checks.map(runBuffered))).filter((name) => name !== null);
// Without a clean lint, typecheck and build the tests would only report noise.
if (failed.length === 0) {
  for (const [name, cmd, args] of steps) {
    console.log(`\n── ${name} ──`);
    const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
    if (r.status !== 0) failed.push(name);
    if (r.status !== 0 && name === 'build') break;
  }
}

// A CI log is often read from its tail only: the failed tests are named again there, each
// with the first line of what failed, so a flake can be told from a regression without the
// whole log.
const failures = [];
/** Tests that failed, then passed when run again (CI only: vitest.config.ts, playwright.config.ts). */
const flaky = [];
const firstLine = (text) => String(text ?? '').split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 300) ?? '';
const relative = (file) => (file.startsWith(root) ? file.slice(root.length) : file);
/** One test as the tail names it: where, which, and the first line of what went wrong. */
const named = (where, title, message) => `${where} › ${title}: ${firstLine(message)}`;

let passed = 0, failedTests = 0, skipped = 0;
const vitest = join(reports, 'vitest.json');
if (existsSync(vitest)) {
  const v = JSON.parse(readFileSync(vitest, 'utf8'));
  passed += v.numPassedTests;
  failedTests += v.numFailedTests;
  skipped += v.numPendingTests + (v.numTodoTests ?? 0);
  for (const file of v.testResults) {
    const failedHere = file.assertionResults.filter((t) => t.status === 'failed');
    for (const t of failedHere) failures.push(named(relative(file.name), t.fullName, t.failureMessages?.[0]));
    // A passed test keeps the errors of its failed attempts.
    for (const t of file.assertionResults) if (t.status === 'passed' && t.failureMessages?.length) flaky.push(named(relative(file.name), t.fullName, t.failureMessages[0]));
    // A file that failed outside any test (a hook, an import) has no failed test to name.
    if (file.status === 'failed' && failedHere.length === 0) failures.push(`${relative(file.name)}: ${firstLine(file.message)}`);
  }
  console.log(`vitest: ${v.numPassedTests} passed, ${v.numFailedTests} failed, ${v.numPendingTests} skipped`);
}
const pw = join(reports, 'playwright.json');
if (existsSync(pw)) {
  const report = JSON.parse(readFileSync(pw, 'utf8'));
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      const retried = spec.tests?.some((t) => t.status === 'flaky');
      if (spec.ok && !retried) continue;
      const error = spec.tests?.flatMap((t) => t.results ?? []).find((r) => r.error)?.error?.message;
      (spec.ok ? flaky : failures).push(named(`${spec.file}:${spec.line}`, spec.title, error));
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  const p = report.stats;
  passed += p.expected + p.flaky;
  failedTests += p.unexpected;
  skipped += p.skipped;
  console.log(`playwright: ${p.expected + p.flaky} passed, ${p.unexpected} failed, ${p.skipped} skipped`);
}
if (flaky.length) console.log(`passed only when run again (flaky: fix these):\n${flaky.map((f) => `  ${f}`).join('\n')}`);
if (failures.length) console.log(`failed tests:\n${failures.map((f) => `  ${f}`).join('\n')}`);
if (failed.length) console.log(`failed steps: ${failed.join(', ')}`);
console.log(`tests: ${passed} passed, ${failedTests} failed, ${skipped} skipped`);
process.exit(failed.length || failedTests ? 1 : 0);
