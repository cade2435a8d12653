import type { ServerResponse } from 'node:http';

/**
 * A signal that aborts when the client goes away before its answer is complete, so the upstream
 * call made for it stops too. `stop()` stops watching once the answer is done.
 */
export function watchClientGone(response: ServerResponse): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const onClose = () => {
    if (!response.writableFinished) controller.abort();
  };
  response.once('close', onClose);
  return { signal: controller.signal, stop: () => response.off('close', onClose) };
}
