import { definePackageBuild } from '../../tsdown.shared';

export default definePackageBuild(['src/index.ts', 'src/cli.ts']);
