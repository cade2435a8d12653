export type { CachecoreCallOptions } from './middleware/cachecore-call-options';
export {
  type CachecoreMetadata,
  getCachecoreMetadata,
} from './middleware/cachecore-metadata';
export { cachecoreMiddleware } from './middleware/cachecore-middleware';
export {
  type CachecoreLanguageModel,
  type CachecoreModelSettings,
  type CachecoreProvider,
  type CachecoreProviderClientOptions,
  type CreateCachecoreOptions,
  createCachecore,
} from './provider/create-cachecore';
export { cachecore } from './provider/default-provider';
