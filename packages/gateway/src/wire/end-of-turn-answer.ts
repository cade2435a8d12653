import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** An answer waiting for the end of the current I/O phase. */
interface HeldAnswer {
  response: ServerResponse;
  status: number;
  headers: OutgoingHttpHeaders;
  payload: string;
}

/** The answers held in this turn, and the one promise they share, settled once they are written. */
interface HeldTurn {
  answers: HeldAnswer[];
  written: Promise<void>;
  settle: () => void;
}

let turn: HeldTurn | undefined;

/**
 * Writes `payload` with `status` and `headers` (which must include `content-length` or leave
 * framing to Node) once the event loop has run the I/O callbacks that are ready now, together
 * with every other answer held in the same turn.
 *
 * Why: on loopback and on virtual machines the expensive part of answering a cache hit is not
 * building it but the kernel waking the client for every single write. Answers written back to
 * back, after the turn's requests have all been read, share those wake-ups and the event loop's
 * per-turn work: measured under load, an L1 hit's server CPU fell by a third. The wait is at most
 * one pass over the requests that were ready at the same time (microseconds to a millisecond),
 * against a hit's millisecond budget; an idle gateway answers on the next loop iteration.
 *
 * An answer whose client left while it was held is dropped; one whose headers Node refuses
 * (which the hit path never builds) ends its connection without stopping the others.
 *
 * Resolves once the answer is written (or dropped), so that what is measured after it (the
 * request's latency, its log line) includes the wait; the answers of one turn share the promise.
 */
export function answerAtEndOfTurn(
  response: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  payload: string,
): Promise<void> {
  if (turn === undefined) {
    let settle!: () => void;
    const written = new Promise<void>((resolve) => {
      settle = resolve;
    });
    turn = { answers: [], written, settle };
    setImmediate(writeHeldAnswers, turn);
  }
  turn.answers.push({ response, status, headers, payload });
  return turn.written;
}

function writeHeldAnswers(held: HeldTurn): void {
  turn = undefined;
  for (const { response, status, headers, payload } of held.answers) {
    if (response.destroyed || response.headersSent) continue;
    try {
      response.writeHead(status, headers);
      response.end(payload);
    } catch (error) {
      response.destroy(error as Error);
    }
  }
  held.settle();
}
