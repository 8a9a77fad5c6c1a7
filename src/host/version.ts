/** Set at build time from package.json (see scripts/build-node.mjs and vitest.config.ts). */
declare const __GROVE_VERSION__: string | undefined;

export const GROVE_VERSION: string =
  typeof __GROVE_VERSION__ === 'string' ? __GROVE_VERSION__ : '0.0.0-dev';
