// pnpm example deps-invalidation
//
// Answers built from data carry that data's id and version as dependency tags. The write path
// changes the data, skips the cache for its own model call, and invalidates the tag: the next
// read gets a fresh answer instead of one built from the old data.

import {
  cachecoreRequestOptions,
  createCachecoreOpenAI,
  Dep,
  getCacheStatus,
} from '@cachecore/openai';
import { openGatewaySession } from './support/gateway-session';

await using session = await openGatewaySession();
console.log(`Using the ${session.description}`);

const openai = createCachecoreOpenAI({
  gatewayUrl: session.gatewayUrl,
  tenantJwt: session.tenantJwt,
});

// The app's data: a document with a version that changes on every edit.
const refundPolicy = { id: 'doc:refund-policy', version: 'v1', text: 'Refunds within 14 days.' };

/** Read path: the answer depends on the refund policy, so it is tagged with its id and version. */
async function askAboutRefunds(question: string): Promise<void> {
  const dependsOn = [new Dep(refundPolicy.id, { hash: refundPolicy.version })];
  const completion = await openai.cachecore.requestContext({ deps: dependsOn }, () =>
    openai.chat.completions.create({
      model: session.model,
      messages: [{ role: 'user', content: question }],
    }),
  );
  console.log(
    `read   ${getCacheStatus(completion)?.status} "${question}" (policy ${refundPolicy.version})`,
  );
}

/** Write path: update the document, then drop every cached answer built from the old version. */
async function updateRefundPolicy(text: string): Promise<void> {
  refundPolicy.text = text;
  refundPolicy.version = 'v2';
  // A model call that is part of a write is never cached (and never served from the cache).
  const changelog = await openai.chat.completions.create(
    {
      model: session.model,
      messages: [{ role: 'user', content: `Write a one-line changelog entry for: ${text}` }],
    },
    cachecoreRequestOptions({ bypass: true }),
  );
  console.log(`write  ${getCacheStatus(changelog)?.status} changelog entry`);
  const { newHash, keysDeleted } = await openai.cachecore.invalidate(refundPolicy.id, {
    newHash: refundPolicy.version,
  });
  console.log(
    `write  invalidated ${refundPolicy.id}: now ${newHash}, cached entries deleted: ${keysDeleted}`,
  );
}

await askAboutRefunds('How long do I have to ask for a refund?'); // MISS
await askAboutRefunds('How long do I have to ask for a refund?'); // HIT_L1
await updateRefundPolicy('Refunds within 30 days.'); // BYPASS, then invalidate
await askAboutRefunds('How long do I have to ask for a refund?'); // MISS: built from v2
await askAboutRefunds('How long do I have to ask for a refund?'); // HIT_L1

await openai.cachecore.close();
