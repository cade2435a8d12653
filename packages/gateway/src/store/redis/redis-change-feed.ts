import { randomUUID } from 'node:crypto';
import { Cluster, type Redis } from 'ioredis';
import type { GatewayLogger } from '../../log/logger';
import type { StoreChange } from '../vector-store';
import { disconnectRedis, type RedisConnection, sleep } from './redis-connection';
import { decodeChangeMessage } from './vector-codec';

/**
 * The L2 change feed of a Redis store: tells local listeners about this instance's changes at once,
 * and about other instances' changes as their pub/sub messages arrive on a subscriber connection of
 * its own (opened on the first listener). Pub/sub does not queue: when the subscription drops and
 * comes back, listeners get a `resync` change, since whatever was published meanwhile is lost.
 *
 * On a cluster the subscriber is a client of the cluster, subscribed through one node: a message
 * published on any master reaches every node's subscribers. When that node's connection ends, the
 * client moves the subscription to another node, and the listeners get a `resync` too.
 */
export interface RedisChangeFeed {
  /** Tags this instance's messages, so it skips its own echo (its listeners already heard). */
  readonly origin: string;
  /** Tells local listeners about a change this instance made. */
  emit(change: StoreChange): void;
  /**
   * Tells local listeners about the vectors of `tenantId` a script removed: the `(indexKey, id)`
   * pairs of its reply, from `start` on.
   */
  emitRemoved(tenantId: string, reply: unknown, start: number): void;
  subscribe(listener: (change: StoreChange) => void): () => void;
  /** Whether nobody listens or the subscription is active. */
  isSubscribed(): boolean;
  /**
   * Resolves once a subscription that is being set up is active, or after `timeoutMs` (never
   * rejects), so a snapshot taken afterwards misses no change made after it.
   */
  settle(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link createRedisChangeFeed}. */
export interface RedisChangeFeedOptions {
  connection: RedisConnection;
  channel: string;
  logger?: GatewayLogger;
}

/** How long to wait before subscribing again after a failed attempt. */
const RESUBSCRIBE_DELAY_MS = 200;

export function createRedisChangeFeed(options: RedisChangeFeedOptions): RedisChangeFeed {
  const { connection, channel, logger } = options;
  const origin = randomUUID();
  const listeners = new Set<(change: StoreChange) => void>();
  let subscriber: Redis | Cluster | undefined;
  let subscription: Promise<void> | undefined;
  let subscribed = false;
  let missedChanges = false;
  let resubscribing = false;
  let watchedNode: Redis | undefined;
  let closed = false;

  function emit(change: StoreChange): void {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch {
        // A faulty listener must not break the store for the others.
      }
    }
  }

  function markMissed(): void {
    if (!subscribed) return;
    subscribed = false;
    missedChanges = true;
  }

  /**
   * Subscribes (again) and, once the subscription is active, tells listeners to reload what they
   * mirror if changes may have been missed. SUBSCRIBE replies come in order, so once this one
   * answers nothing published from then on is missed.
   */
  function resubscribe(redis: Redis | Cluster): void {
    if (resubscribing || closed) return;
    resubscribing = true;
    redis.subscribe(channel).then(
      () => {
        resubscribing = false;
        subscribed = true;
        watchClusterSubscriber(redis);
        if (!missedChanges) return;
        missedChanges = false;
        logger?.info('redis store resubscribed to L2 changes; in-process indexes reload');
        emit({ type: 'resync' });
      },
      () => {
        resubscribing = false;
        if (!closed) setTimeout(() => resubscribe(redis), RESUBSCRIBE_DELAY_MS).unref();
      },
    );
  }

  /**
   * On a cluster, the subscription lives on one node connection that the cluster client replaces
   * when it ends, without telling: watch the current one, so a replacement is followed by a
   * resubscription and a `resync`.
   */
  function watchClusterSubscriber(redis: Redis | Cluster): void {
    if (!(redis instanceof Cluster)) return;
    const node = currentSubscriberNode(redis);
    if (!node || node === watchedNode) return;
    watchedNode = node;
    node.once('end', () => {
      if (closed || watchedNode !== node) return;
      markMissed();
      resubscribe(redis);
    });
  }

  function ensureSubscriber(): void {
    if (subscriber || closed) return;
    // A connection in subscriber mode can run nothing else. It queues while disconnected (only
    // SUBSCRIBE ever goes through it) and ioredis subscribes again after every reconnection.
    const redis = connection.createSubscriber();
    subscriber = redis;
    // Outages are reported by the command connection; this one only tracks its subscription.
    redis.on('error', () => {});
    redis.on('message', (messageChannel: string, text: string) => {
      if (messageChannel !== channel) return;
      const decoded = decodeChangeMessage(text);
      if (!decoded || decoded.origin === origin) return;
      emit(decoded.change);
    });
    redis.on('close', markMissed);
    redis.on('ready', () => {
      // ioredis has already re-sent SUBSCRIBE; this one tells when the subscription is back.
      if (missedChanges) resubscribe(redis);
    });
    subscription = redis.subscribe(channel).then(
      () => {
        subscribed = true;
        watchClusterSubscriber(redis);
      },
      (error: Error) => {
        if (!closed) {
          logger?.warn('redis store could not subscribe to L2 changes', { error: error.message });
        }
      },
    );
  }

  return {
    origin,
    emit,

    emitRemoved(tenantId, reply, start) {
      if (!Array.isArray(reply)) return;
      for (let index = start; index + 1 < reply.length; index += 2) {
        emit({
          type: 'vector-removed',
          tenantId,
          indexKey: String(reply[index]),
          id: String(reply[index + 1]),
        });
      }
    },

    subscribe(listener) {
      listeners.add(listener);
      ensureSubscriber();
      return () => {
        listeners.delete(listener);
      };
    },

    isSubscribed: () => subscriber === undefined || subscribed,

    async settle(timeoutMs) {
      if (!subscription || subscribed) return;
      await Promise.race([subscription, sleep(timeoutMs, { unref: true })]);
    },

    async close() {
      closed = true;
      listeners.clear();
      if (subscriber) await disconnectRedis(subscriber);
    },
  };
}

/**
 * The node connection a cluster client subscribes through. ioredis keeps it in its cluster
 * subscriber and exposes no event for its replacement; `undefined` if that ever changes shape.
 */
function currentSubscriberNode(cluster: Cluster): Redis | undefined {
  const internals = cluster as unknown as { subscriber?: { getInstance?: () => Redis | null } };
  const node = internals.subscriber?.getInstance?.();
  return node ?? undefined;
}
