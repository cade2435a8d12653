import { defineProject, mergeConfig } from 'vitest/config';
import packageConfig from './vitest.config.ts';

// The same suite against openai 6 (installed under the alias `openai-v6`). A string alias also
// rewrites subpath imports such as `openai/streaming`, so source and tests see one copy of the SDK.
export default mergeConfig(
  packageConfig,
  defineProject({
    resolve: { alias: { openai: 'openai-v6' } },
    test: { name: 'openai@6' },
  }),
);
