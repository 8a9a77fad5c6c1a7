// `check`: exit 0 when out/ is newer than every build input, 1 otherwise.
// `write`: mark out/ as built now. Lets `npm start` and `npm run host` rebuild only when
// the sources changed, so a developer never runs a stale build by accident.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'out', '.build-stamp');
const inputs = ['src', 'electron.vite.config.ts', 'scripts/build-node.mjs', 'package.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

if (process.argv[2] === 'write') {
  writeFileSync(stamp, new Date().toISOString() + '\n');
} else {
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const newest = Math.max(...inputs.map((i) => newestMtime(join(root, i))));
  process.exit(built > 0 && newest <= built ? 0 : 1);
}
