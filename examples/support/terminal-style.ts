/** Text decoration for terminal output; every method returns the text unchanged when plain. */
export interface TerminalStyle {
  /** Whether ANSI colours and the progress indicator are on. */
  readonly interactive: boolean;
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
  yellow(text: string): string;
  magenta(text: string): string;
  red(text: string): string;
  /** Colours a cache status by tier: hits green/cyan, misses yellow, bypass magenta. */
  status(status: string, text?: string): string;
}

/**
 * Colours only for a terminal that wants them: `stream` is a TTY and `NO_COLOR` is unset or empty
 * (https://no-color.org). Piped or redirected output stays plain text.
 */
export function createTerminalStyle(
  stream: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): TerminalStyle {
  const interactive = stream.isTTY === true && !env.NO_COLOR;
  const wrap = (open: number, close: number) => (text: string) =>
    interactive ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  const style = {
    interactive,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    green: wrap(32, 39),
    cyan: wrap(36, 39),
    yellow: wrap(33, 39),
    magenta: wrap(35, 39),
    red: wrap(31, 39),
  };
  const byStatus: Record<string, (text: string) => string> = {
    HIT_L1: style.green,
    HIT_L1_STALE: style.green,
    HIT_L2: style.cyan,
    MISS: style.yellow,
    BYPASS: style.magenta,
  };
  return {
    ...style,
    status: (status, text = status) => (byStatus[status] ?? style.red)(text),
  };
}
