// `npm run schema`: writes docs/grove.schema.json, the JSON Schema editors use for
// grove.yaml, from the zod schema in src/shared/config.ts. Bundles the TypeScript entry with
// esbuild into a temp dir (dependencies included, so it runs from there) and imports it.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'grove-schema-'));
try {
  const outfile = join(dir, 'config-json-schema.mjs');
  await build({ entryPoints: [join(root, 'src/host/config/config-json-schema.ts')], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
  const { configJsonSchemaText } = await import(pathToFileURL(outfile).href);
  const target = join(root, 'docs/grove.schema.json');
  writeFileSync(target, configJsonSchemaText());
  console.log(`Wrote ${target}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
