export {
  checkPromptGuards,
  DEFAULT_GUARDS,
  GUARD_NAMES,
  type GuardName,
  isGuardName,
  type PromptGuardOptions,
} from './guards';
export type { NativeIndexOptions } from './native-vector-index';
export type { GuardVeto, VectorIndex, VectorMatch } from './types';
export {
  createVectorIndex,
  DEFAULT_FLAT_LIMIT,
  flushVectorIndex,
  type VectorIndexOptions,
} from './vector-index';
