import { definePackageBuild } from '../../tsdown.shared';

export default definePackageBuild({ index: 'src/index.ts', protocol: 'src/protocol/index.ts' });
