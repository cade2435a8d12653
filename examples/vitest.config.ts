import { defineProject, mergeConfig } from 'vitest/config';
import { sharedProjectConfig } from '../vitest.shared.ts';

// Every test here runs a script as a child process (Node, tsx, a gateway, the SDKs): on a busy
// machine that start-up alone can take longer than the shared default.
export default mergeConfig(
  sharedProjectConfig,
  defineProject({ test: { name: 'examples', testTimeout: 90_000 } }),
);
