export type { CachecoreCallOptions } from './middleware/cachecore-call-options';
export {
  type CachecoreMetadata,
  getCachecoreMetadata,
} from './middleware/cachecore-metadata';
export { cachecoreMiddleware } from './middleware/cachecore-middleware';
export {
  type CachecoreModelSettings,
  type CachecoreProvider,
  type CreateCachecoreOptions,
  createCachecore,
} from './provider/create-cachecore';
