import js from '@eslint/js';
import { builtinModules } from 'node:module';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The process boundary, enforced: Electron only in the shell, Node built-ins never in the
// renderer (it runs sandboxed, and also in a plain browser).
const noElectron = {
  'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Electron belongs to src/main and src/preload only; the host, CLI and contract run without it.' }] }],
};
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));
const noNodeInRenderer = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        ...nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a browser sandbox: no Node built-ins.' })),
        { name: 'electron', message: 'The renderer talks to the shell only through window.grove (src/shared/shell-bridge.ts).' },
      ],
      patterns: [{ group: ['node:*'], message: 'The renderer runs in a browser sandbox: no Node built-ins.' }],
    },
  ],
};

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.test-reports/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  // A promise nobody awaits or handles is how a job stays "running" forever and a rejection
  // goes unheard: every one must be awaited, returned, or marked `void` on purpose.
  {
    files: ['src/**/*.{ts,tsx}', 'test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error', '@typescript-eslint/no-misused-promises': 'error' },
  },
  { files: ['src/host/**', 'src/cli/**', 'src/shared/**', 'src/host-client/**'], rules: noElectron },
  { files: ['src/shared/**'], rules: noNodeInRenderer },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...noNodeInRenderer,
      // The UI runs on Preact, which leaves autoFocus to the browser, and the browser ignores
      // it on an element a render inserts later.
      'no-restricted-syntax': ['error', { selector: 'JSXAttribute[name.name="autoFocus"]', message: 'autoFocus does nothing on Preact once the page has loaded: use ref={focusOnMount} (ui/focus-on-mount.ts), or focus in an effect.' }],
    },
  },
);
