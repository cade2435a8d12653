import { definePackageBuild } from '../../tsdown.shared';

export default definePackageBuild();
