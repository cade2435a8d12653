import { defineConfig } from 'vitest/config';

// One vitest run over every package: tests import sibling packages from source through the
// `@cachecore/source` export condition, so nothing needs building first.
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples', 'bench'],
  },
});
