// `pnpm demo`: a small travel-desk workload through the openai, LangChain and AI SDK adapters,
// one line per call, then a summary. Exits 0 only if every call got the cache status it expects.
//
// Where requests go (see ../support/gateway-session.ts):
//   CACHECORE_GATEWAY_URL + CACHECORE_TENANT_JWT  an existing gateway
//   OPENAI_API_KEY                                a local gateway in front of api.openai.com
//   neither                                       a local gateway in front of the offline mock model

import { randomUUID } from 'node:crypto';
import { CachecoreClient } from '@cachecore/core';
import {
  assertGatewayReachable,
  type GatewaySession,
  openGatewaySession,
} from '../support/gateway-session';
import { createTerminalStyle } from '../support/terminal-style';
import { type CallRecord, CallReporter } from './call-reporter';
import { type CallOutcome, createDemoAdapters } from './demo-adapters';
import { runEmbeddingBatches } from './demo-embeddings';
import { formatSummary, type GatewayFigures, summariseCalls } from './demo-summary';
import { buildDemoWorkload, type DemoCall } from './demo-workload';

const SYSTEM_PROMPT = 'You are the Wayfinder travel desk. Answer in at most two sentences.';
/** Tenant of the token minted for a local gateway, whose statistics the summary reads. */
const TENANT_ID = 'travel-desk';

async function runDemo(): Promise<boolean> {
  const style = createTerminalStyle();
  const session = await openGatewaySession({ tenantId: TENANT_ID });
  const cachecore = new CachecoreClient({
    gatewayUrl: session.gatewayUrl,
    tenantJwt: session.tenantJwt,
  });
  // Only a local gateway's tenant tokens can be minted here, with a short freshness claim.
  const shortTtlToken = await session.mintTenantToken?.({ freshTtlSecs: 1 });
  const shortTtl = shortTtlToken
    ? new CachecoreClient({ gatewayUrl: session.gatewayUrl, tenantJwt: shortTtlToken })
    : undefined;
  try {
    await assertGatewayReachable(session);
    // A gateway that outlives this run still holds the previous run's answers; a per-run system
    // prompt (part of the cache namespace) and dependency ids give this run a clean slate there.
    const runTag = session.mode === 'remote' ? randomUUID().slice(0, 8) : undefined;
    const systemPrompt = runTag ? `${SYSTEM_PROMPT} (run ${runTag})` : SYSTEM_PROMPT;
    const adapters = createDemoAdapters(cachecore, session.model, systemPrompt);
    const shortTtlAdapters = shortTtl && createDemoAdapters(shortTtl, session.model, systemPrompt);
    // Against a remote gateway the stale-while-revalidate steps are left out.
    const steps = buildDemoWorkload({ runTag }).filter((step) =>
      step.kind === 'call'
        ? !step.options?.shortTtl || shortTtlAdapters
        : step.kind === 'invalidate' || !step.localOnly || shortTtlAdapters,
    );
    const reporter = new CallReporter(style, steps.filter((step) => step.kind === 'call').length);

    console.log(
      style.bold('Cachecore demo: a travel desk agent on openai, LangChain and the AI SDK'),
    );
    console.log(style.dim(`requests go to the ${session.description}`));

    const started = performance.now();
    const records: CallRecord[] = [];
    let invalidationFailed = false;
    let embeddingsFailed = false;
    for (const step of steps) {
      if (step.kind === 'section') {
        reporter.section(step.title);
      } else if (step.kind === 'pause') {
        reporter.note(`${step.ms} ms later: ${step.why}`, false);
        await new Promise((resolve) => setTimeout(resolve, step.ms));
      } else if (step.kind === 'invalidate') {
        try {
          const result = await cachecore.invalidate(step.depId, { newHash: step.newHash });
          const enough = result.keysDeleted >= step.expectDeleted;
          invalidationFailed ||= !enough;
          reporter.note(
            `data changed: invalidate("${step.depId}") → hash ${result.newHash}, ${result.keysDeleted} cached entries deleted` +
              (enough ? '' : ` (expected at least ${step.expectDeleted})`),
            !enough,
          );
        } catch (error) {
          invalidationFailed = true;
          reporter.note(`invalidate("${step.depId}") failed: ${(error as Error).message}`, true);
        }
      } else {
        const askWith = step.options?.shortTtl && shortTtlAdapters ? shortTtlAdapters : adapters;
        const record = await runCall(step, () =>
          reporter.track(step, () => askWith.ask[step.adapter](step.question, step.options)),
        );
        records.push(record);
        reporter.report(record);
      }
    }
    reporter.section('Embeddings, cached per input');
    for (const batch of await runEmbeddingBatches(cachecore, runTag)) {
      reporter.note(
        batch.failure ? `${batch.line}: ${batch.failure}` : batch.line,
        !!batch.failure,
      );
      embeddingsFailed ||= batch.failure !== undefined;
    }
    const elapsedMs = performance.now() - started;

    const summary = summariseCalls(records);
    console.log(`\n${formatSummary(summary, style, await readGatewayFigures(session))}`);
    console.log(
      style.dim(
        `LangChain callback handler: ${adapters.langchainHandler.stats.requests} runs, hit rate ${Math.round(adapters.langchainHandler.stats.hitRate * 100)}%. Workload ran in ${(elapsedMs / 1000).toFixed(1)} s.`,
      ),
    );

    const failed = summary.failures.length > 0 || invalidationFailed || embeddingsFailed;
    if (failed) {
      console.log(
        style.red(
          `\nFAILED: ${summary.failures.length} of ${summary.calls} calls did not get the expected cache status` +
            (invalidationFailed ? ', and the invalidation did not delete the tagged answers' : '') +
            (embeddingsFailed ? ', and an embeddings batch was not cached per input' : '') +
            '.',
        ),
      );
      for (const { call, failure } of summary.failures) {
        console.log(style.red(`  ${call.adapter} "${call.question}": ${failure}`));
      }
    } else {
      console.log(style.green(`\nAll ${summary.calls} calls got the cache status they expected.`));
    }
    return !failed;
  } finally {
    await cachecore.close();
    await shortTtl?.close();
    await session.close();
  }
}

async function runCall(call: DemoCall, ask: () => Promise<CallOutcome>): Promise<CallRecord> {
  let outcome: CallOutcome;
  try {
    outcome = await ask();
  } catch (error) {
    return { call, outcome: undefined, failure: `threw ${describeError(error)}` };
  }
  let failure: string | undefined;
  if (outcome.status !== call.expect) {
    failure = `expected ${call.expect} (${call.reason}), got ${outcome.status}`;
  } else if (outcome.statusBeforeFirstChunk === false) {
    failure = 'the cache status arrived after the first chunk';
  }
  return { call, outcome, failure };
}

async function readGatewayFigures(session: GatewaySession): Promise<GatewayFigures> {
  const gateway = session.gateway;
  if (!gateway) return {};
  const stats = await gateway.stats();
  return {
    upstreamRequests: gateway.mockUpstream?.requestCount,
    tokensSaved: stats.tenants[TENANT_ID]?.tokens_saved,
  };
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return `${error.name}: ${error.message}`;
}

try {
  process.exitCode = (await runDemo()) ? 0 : 1;
} catch (error) {
  console.error(`Demo failed to run: ${describeError(error)}`);
  process.exitCode = 1;
}
