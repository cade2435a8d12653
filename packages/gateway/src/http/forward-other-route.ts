import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayContext } from '../gateway-context';
import type { ObservedRequest } from '../observation/observed-request';
import { admitRequest } from '../pipeline/admit';
import { forwardToUpstream } from './forward-route';
import { readRequestBody } from './read-body';

/** Any other `/v1/*` route: admitted like every route, then forwarded upstream untouched, never cached (PROTOCOL §3). */
export async function forwardOtherRoute(
  context: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  observation: ObservedRequest,
): Promise<void> {
  const { source, identity } = await admitRequest(context, request, observation);
  const method = request.method ?? 'GET';
  const body =
    method === 'GET' || method === 'HEAD'
      ? undefined
      : await readRequestBody(request, context.settings.maxBodyBytes);
  await forwardToUpstream(context, request, response, observation, {
    body,
    clientAuthorization: identity ? undefined : source.passthroughAuthorization,
  });
}
