import { BoundedMemo } from '../../memo/bounded-memo';
import type { CacheEntry, EntryLookup, EntryLookupResult } from '../entry-store';
import { isRedirection } from './redis-connection';
import type { RespValue } from './resp-reader';
import type { ScriptPipeline } from './script-pipeline';

/**
 * A copy of one stored version of an entry, the stamp that names that version, and the entry's
 * tags by dep id (the last one of an id wins, as in the lookup script).
 */
export interface HeldCopy {
  readonly stamp: string;
  readonly entry: CacheEntry;
  readonly tags: ReadonlyMap<string, string>;
  /** The keys of `tags`, in order: the dep hashes every check of this copy reads. */
  readonly tagIds: readonly string[];
}

/**
 * Copies of hot entries by their Redis key, each with the stamp of its version. A lookup of a held
 * entry reads the stamp Redis stores and the current dep hashes, and the copy answers only while
 * Redis holds exactly that version and every check passes on what Redis holds; otherwise the
 * lookup script runs and sends the stored version. Shared by the stores of the process (stamps are
 * unique per store instance) and never mutated.
 */
const heldCopies = new BoundedMemo<HeldCopy>(8 * 1024 * 1024, 'redis_entries');

/** The copy held of the entry under `entryKey`, if any. */
export function heldCopyOf(entryKey: string): HeldCopy | undefined {
  return heldCopies.get(entryKey);
}

/** Holds `entry` as the copy of the version `stamp` names (an entry without a stamp is not held). */
export function holdCopy(entryKey: string, stamp: string, entry: CacheEntry): void {
  if (stamp === '') return;
  const tags = new Map<string, string>();
  for (const dep of entry.deps) tags.set(dep.depId, dep.expectedHash);
  // The body (two bytes a character at most), the key, and the objects around them.
  const bytes = 2 * entry.body.length + entryKey.length + 200 + 160 * entry.deps.length;
  heldCopies.set(entryKey, { stamp, entry, tags, tagIds: [...tags.keys()] }, bytes);
}

/** Where {@link checkHeldCopy} reads. */
export interface HeldCopyKeys {
  /** The entry's hash. */
  entry: string;
  /** The tenant's dep hashes (in the entry's slot). */
  depHashes: string;
}

/**
 * The L1 lookup of an entry held here, without the lookup script: `HMGET` of the stored version's
 * stamp and `HMGET` of the current hashes of the request's deps and the copy's tags, sent together
 * on the hit path's connection, then the script's checks in the script's order, with its answers:
 * a request dep whose current hash is another one (`depsCurrent: false`); expired at `now`; a tag
 * outdated; a request dep the entry is not tagged with at that hash (no hit). `undefined` when the
 * script must answer: Redis stores another version or none with a stamp (it may be an entry
 * written without one), or the slot is served elsewhere (`MOVED`/`ASK`).
 *
 * The two reads need not be atomic. An invalidation that answered before the lookup set its new
 * hash first, so the second read sees it (or the first finds the entry gone); a version written
 * between the reads has another stamp, and the copy's version was current in Redis when read.
 * Other failures reject, as the script's do.
 */
export async function checkHeldCopy(
  pipeline: ScriptPipeline,
  keys: HeldCopyKeys,
  held: HeldCopy,
  { deps, now }: Pick<EntryLookup, 'deps' | 'now'>,
): Promise<EntryLookupResult | undefined> {
  let fields = held.tagIds;
  for (const dep of deps) {
    if (held.tags.has(dep.depId)) continue;
    if (fields === held.tagIds) fields = [...held.tagIds];
    (fields as string[]).push(dep.depId);
  }
  let stampReply: RespValue | undefined;
  let hashesReply: RespValue | undefined = NO_HASHES;
  try {
    [stampReply, hashesReply = NO_HASHES] = await pipeline.readHashes(
      fields.length === 0
        ? [{ key: keys.entry, fields: STAMP_FIELD }]
        : [
            { key: keys.entry, fields: STAMP_FIELD },
            { key: keys.depHashes, fields },
          ],
    );
  } catch (error) {
    if (isRedirection(error)) return undefined;
    throw error;
  }
  if (!Array.isArray(stampReply) || !Array.isArray(hashesReply)) {
    throw new Error('Unexpected reply to HMGET');
  }
  // `fields` starts with the copy's tags, in order, then the request's other deps.
  for (const dep of deps) {
    const current = hashesReply[fields.indexOf(dep.depId)];
    if (typeof current === 'string' && current !== dep.expectedHash) return { depsCurrent: false };
  }
  if (stampReply[0] !== held.stamp) return undefined;
  const { freshUntil, expiresAt } = held.entry;
  if (!Number.isFinite(freshUntil) || !Number.isFinite(expiresAt) || now >= expiresAt) {
    return { depsCurrent: true };
  }
  let position = 0;
  for (const expected of held.tags.values()) {
    const current = hashesReply[position++];
    if (typeof current === 'string' && current !== expected) return { depsCurrent: true };
  }
  for (const dep of deps) {
    if (held.tags.get(dep.depId) !== dep.expectedHash) return { depsCurrent: true };
  }
  return {
    depsCurrent: true,
    hit: { entry: held.entry, freshness: now < freshUntil ? 'fresh' : 'stale' },
  };
}

const STAMP_FIELD: readonly string[] = ['stamp'];
const NO_HASHES: RespValue[] = [];
