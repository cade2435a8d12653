import { formatDuration, padCell, truncateText } from '../support/result-table';
import type { TerminalStyle } from '../support/terminal-style';
import type { CallOutcome } from './demo-adapters';
import type { DemoCall } from './demo-workload';

/** A call of the workload and what happened to it. */
export interface CallRecord {
  call: DemoCall;
  /** Missing when the call threw. */
  outcome: CallOutcome | undefined;
  /** Why the call did not meet its expectation; `undefined` when it did. */
  failure: string | undefined;
}

const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const QUESTION_WIDTH = 42;

/** Prints the workload as it runs: one line per call, a spinner while a call is in flight. */
export class CallReporter {
  readonly #style: TerminalStyle;
  readonly #write: (text: string) => void;
  readonly #totalCalls: number;
  #callsDone = 0;

  constructor(style: TerminalStyle, totalCalls: number, write = defaultWrite) {
    this.#style = style;
    this.#totalCalls = totalCalls;
    this.#write = write;
  }

  /** Prints a section heading. */
  section(title: string): void {
    this.#write(`\n${this.#style.bold(title)}\n`);
  }

  /** Prints a line that is not a call (an invalidation, a remark). */
  note(text: string, failed = false): void {
    const mark = failed ? this.#style.red('FAIL') : this.#style.dim('--');
    this.#write(`  ${mark} ${text}\n`);
  }

  /**
   * Runs `work` for `call`; on a terminal, a spinner line with the progress (`[7/24]`) stays on
   * screen until the call's result line replaces it.
   */
  async track<T>(call: DemoCall, work: () => Promise<T>): Promise<T> {
    if (!this.#style.interactive) return work();
    const label = `[${this.#callsDone + 1}/${this.#totalCalls}] ${call.adapter}  ${truncateText(call.question, QUESTION_WIDTH)}`;
    let frame = 0;
    const draw = () => {
      const spinner = SPINNER_FRAMES[frame++ % SPINNER_FRAMES.length] ?? '';
      this.#write(`\r\u001b[2K  ${this.#style.cyan(spinner)} ${this.#style.dim(label)}`);
    };
    draw();
    const timer = setInterval(draw, 80);
    try {
      return await work();
    } finally {
      clearInterval(timer);
      this.#write('\r\u001b[2K');
    }
  }

  /** Prints the result line of one call. */
  report(record: CallRecord): void {
    this.#callsDone += 1;
    const style = this.#style;
    const { call, outcome } = record;
    const status = outcome?.status ?? 'ERROR';
    const streamMark = call.options?.stream ? ' (stream)' : '';
    const cells = [
      padCell(call.adapter, 9),
      padCell(
        truncateText(call.question, QUESTION_WIDTH - streamMark.length) + streamMark,
        QUESTION_WIDTH,
      ),
      padCell(style.status(status), 12),
      padCell(formatSimilarity(outcome), 11),
      padCell(outcome ? formatDuration(outcome.latencyMs) : '', 8, true),
    ];
    const verdict = record.failure
      ? style.red(style.interactive ? `✗ ${record.failure}` : `FAIL: ${record.failure}`)
      : style.green(style.interactive ? '✓' : 'ok');
    const note = outcome?.note ? style.dim(`  ${outcome.note}`) : '';
    this.#write(`  ${cells.join('  ')}  ${verdict}${note}\n`);
  }
}

/**
 * The similarity cell: only hits have one that means something (1 on L1, the cosine similarity of
 * the differing parts on L2); misses and bypasses get a blank cell rather than a misleading 0.
 */
function formatSimilarity(outcome: CallRecord['outcome']): string {
  if (!outcome?.isHit || outcome.similarity === null) return '';
  return `sim ${outcome.similarity.toFixed(4)}`;
}

function defaultWrite(text: string): void {
  process.stdout.write(text);
}
