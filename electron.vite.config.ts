import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * `<script data-inline="FILE"></script>` in index.html becomes the script FILE (next to the
 * page) written in place: no request of its own before it can run. The host allows exactly
 * these scripts by their hashes (src/host/api/static-files.ts).
 */
function inlineScripts(root: string): Plugin {
  return {
    name: 'grove-inline-scripts',
    transformIndexHtml: {
      order: 'pre',
      handler: (html) =>
        html.replace(/<script data-inline="([\w.-]+)"><\/script>/g, (_, file: string) => {
          const code = readFileSync(resolve(root, file), 'utf8');
          if (code.includes('</script')) throw new Error(`${file} cannot be written into the page: it contains "</script".`);
          return `<script>${code}</script>`;
        }),
    },
  };
}

// The Electron shell (main, preload) and the renderer. The host and the CLI are plain Node
// programs built by scripts/build-node.mjs; the host serves out/renderer to every client.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: resolve('src/main/index.ts'), formats: ['es'] },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be CommonJS.
      lib: { entry: resolve('src/preload/index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
    },
  },
  renderer: {
    root: 'src/renderer',
    // Served by the host at its root, in the browser and in the Electron window alike.
    base: '/',
    plugins: [react(), inlineScripts(resolve('src/renderer'))],
    // The cockpit is written against React's API and runs on Preact's (preact/compat): the
    // same components at a tenth of React DOM's weight, which is most of what stood between
    // navigation and the first paint. Types stay React's; the bundle gets Preact.
    resolve: {
      alias: [
        { find: /^react\/jsx-runtime$/, replacement: 'preact/compat/jsx-runtime' },
        { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/compat/jsx-dev-runtime' },
        { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
        { find: /^react(-dom)?$/, replacement: 'preact/compat' },
      ],
    },
    build: {
      outDir: 'out/renderer',
      // GROVE_SOURCEMAP=1 for profiling the UI (a CPU profile's frames mapped to sources);
      // GROVE_NOMINIFY=1 with it for a profile's line-level ticks to name lines.
      sourcemap: process.env.GROVE_SOURCEMAP === '1',
      minify: process.env.GROVE_NOMINIFY !== '1',
      rolldownOptions: {
        input: resolve('src/renderer/index.html'),
        // Every module the page imports before its first render in the one entry file: split
        // by what the lazy views share with it (Preact, the icons, view requests), it was four
        // files, each a request and a cache read on the way to the first paint (about a tenth
        // of it here). The lazy views keep their own chunks and import from this one.
        output: { codeSplitting: { groups: [{ name: 'index', tags: ['$initial'] }] } },
      },
    },
  },
});
