import { defineProject } from 'vitest/config';

/**
 * Settings every package's vitest project shares: sibling `@cachecore/*` packages resolve to their
 * TypeScript source through the `@cachecore/source` export condition, so tests never need a build.
 */
export const sharedProjectConfig = defineProject({
  resolve: { conditions: ['@cachecore/source'] },
  ssr: { resolve: { conditions: ['@cachecore/source'] } },
  test: {
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
