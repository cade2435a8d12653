import { defineConfig, type UserConfig } from 'tsdown';

/**
 * The build every published package shares: ESM for Node 20, declarations and source maps, with the
 * `.js` / `.d.ts` file names the packages' `exports` maps point at (`fixedExtension: false`).
 * A package passes its entry points: a list, or names mapped to files for subpath exports.
 * @default entry: ['src/index.ts']
 */
export function definePackageBuild(entry: UserConfig['entry'] = ['src/index.ts']): UserConfig {
  return defineConfig({
    entry,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    dts: true,
    fixedExtension: false,
    sourcemap: true,
    clean: true,
  });
}
