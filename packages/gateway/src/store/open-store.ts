import type { Store } from './store';

/** Where the CLI's `--store` points. */
export interface OpenStoreOptions {
  /** `memory` (default) or `redis://host:port/db`. */
  url: string;
  /** Key prefix of a Redis store. @default 'cc:' */
  redisPrefix?: string;
}

/**
 * Opens the store named by `--store`. `undefined` means the gateway's own in-memory store.
 * Throws with a message for the user when the URL cannot be served.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store | undefined> {
  const url = options.url.trim();
  if (url === '' || url === 'memory') return undefined;
  if (/^rediss?:\/\//.test(url)) {
    throw new Error(
      `The Redis store (${url}) is not available in this version yet; run without --store to use the in-memory store.`,
    );
  }
  throw new Error(`Unknown --store "${url}": use "memory" or a redis:// URL.`);
}
