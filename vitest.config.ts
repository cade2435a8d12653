import { defineConfig } from 'vitest/config';

// One vitest run over every package: tests import sibling packages from source through the
// `@cachecore/source` export condition, so nothing needs building first. A package may add
// `vitest.<variant>.config.ts` files to run its suite again against another major of its host SDK.
export default defineConfig({
  test: {
    projects: ['packages/*', 'packages/*/vitest.*.config.ts', 'examples', 'bench'],
  },
});
