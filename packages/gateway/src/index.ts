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
export type { GuardVeto, VectorIndex, VectorMatch } from './semantic/types';
export { createMemoryStore, type MemoryStoreOptions } from './store/memory-store';
export type {
  CacheEntry,
  DepTag,
  RateWindow,
  StatName,
  Store,
  StoreChange,
  VectorRecord,
} from './store/store';
export {
  createMockUpstream,
  type MockUpstream,
  type MockUpstreamOptions,
  type MockUpstreamRequest,
} from './upstream/mock-upstream';
