import { defineProject, mergeConfig } from 'vitest/config';
import packageConfig from './vitest.config';

// The same suite against AI SDK 6 (`ai` 6, `@ai-sdk/openai-compatible` 2, `@ai-sdk/openai` 3,
// installed under alias names). String aliases also rewrite subpath imports, so source and tests
// see one copy of each package; `@ai-sdk/provider` comes in through them.
export default mergeConfig(
  packageConfig,
  defineProject({
    resolve: {
      alias: {
        ai: 'ai-v6',
        '@ai-sdk/openai-compatible': 'ai-sdk-openai-compatible-v2',
        '@ai-sdk/openai': 'ai-sdk-openai-v3',
      },
    },
    test: { name: 'ai@6' },
  }),
);
