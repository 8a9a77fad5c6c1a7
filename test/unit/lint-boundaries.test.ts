import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The process boundary is enforced by lint; prove the rule bites where it should. */
const eslint = new ESLint();

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

describe('lint boundaries', () => {
  it.each(['src/host/x.ts', 'src/cli/x.ts', 'src/shared/x.ts'])('keeps electron out of %s', async (file) => {
    expect(await ruleIds(file, "import { app } from 'electron';\nexport const a = app;\n")).toContain('no-restricted-imports');
  });

  it('keeps Node built-ins out of the renderer, with or without node:', async () => {
    expect(await ruleIds('src/renderer/x.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).toContain('no-restricted-imports');
    expect(await ruleIds('src/renderer/x.ts', "import { join } from 'path';\nexport const j = join;\n")).toContain('no-restricted-imports');
  });

  it('lets the shell use electron and the host use Node', async () => {
    expect(await ruleIds('src/main/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
    expect(await ruleIds('src/host/x.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).toEqual([]);
  });
});
