import { defineProject, mergeConfig } from 'vitest/config';
import { sharedProjectConfig } from '../../vitest.shared.ts';

// The same suite against @langchain/openai 1.5.x (installed under the alias `langchain-openai-v15`),
// the oldest minor the peer range claims.
export default mergeConfig(
  sharedProjectConfig,
  defineProject({
    resolve: { alias: { '@langchain/openai': 'langchain-openai-v15' } },
    test: { name: 'langchain-openai@1.5' },
  }),
);
