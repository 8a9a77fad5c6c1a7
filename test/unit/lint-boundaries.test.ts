import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The process boundary is enforced by lint; prove the rule bites where it should. The
 * boundary rules need no types, and the made-up paths below belong to no TypeScript project,
 * so that lint runs without the type-aware rules; those are proven on a real file's path.
 */
const eslint = new ESLint({
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
  },
});
const typedEslint = new ESLint();

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

  it('refuses a promise nobody awaits or handles, in the host and in the renderer', async () => {
    const code = 'export async function f(): Promise<void> {}\nexport function g(): void { f(); }\n';
    for (const filePath of ['src/host/ids.ts', 'src/renderer/main.tsx']) {
      const [result] = await typedEslint.lintText(code, { filePath });
      expect(result!.messages.map((m) => m.ruleId)).toEqual(['@typescript-eslint/no-floating-promises']);
    }
    const [handled] = await typedEslint.lintText(code.replace('{ f(); }', '{ void f(); }'), { filePath: 'src/host/ids.ts' });
    expect(handled!.messages).toEqual([]);
    // Type-aware lint builds both TypeScript programs first: seconds, more on a loaded machine.
  }, 120_000);
});
