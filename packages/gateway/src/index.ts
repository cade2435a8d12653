export type { GatewayStats, TenantStats } from './admin/admin-routes';
export {
  type CreateTenantTokenOptions,
  createTenantToken,
} from './auth/create-tenant-token';
export type { GatewayOptions, ResolvedGatewaySettings } from './config/gateway-options';
export type { Embedder } from './embed/embedder';
export { type Gateway, startGateway } from './gateway';
export {
  createJsonLogger,
  type GatewayLogger,
  type JsonLoggerOptions,
  type LogLevel,
} from './log/logger';
export {
  createGatewayMetrics,
  type GatewayMetrics,
  type GatewayMetricsOptions,
  type RequestObservation,
  type UpstreamObservation,
} from './metrics/gateway-metrics';
export type { GuardVeto, VectorIndex, VectorMatch } from './semantic/types';
export { createMemoryStore, type MemoryStoreOptions } from './store/memory-store';
export { RedisStoreError, type RedisStoreErrorCode } from './store/redis/redis-store-error';
export {
  createRedisStore,
  type RedisClusterConnection,
  type RedisClusterNode,
  type RedisStore,
  type RedisStoreOptions,
} from './store/redis-store';
export type {
  CacheEntry,
  CoordinationStore,
  DepTag,
  EntryStore,
  RateWindow,
  StatisticsStore,
  StatName,
  Store,
  StoreChange,
  StoreFailure,
  VectorRecord,
  VectorStore,
} from './store/store';
export {
  createMockUpstream,
  type MockUpstream,
  type MockUpstreamOptions,
  type MockUpstreamRequest,
} from './upstream/mock-upstream';
