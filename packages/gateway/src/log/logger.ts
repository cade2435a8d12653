import { writeSync } from 'node:fs';
/** Log levels, most severe first; `silent` logs nothing. */
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

const LEVEL_RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** Where the gateway writes its logs; one structured record per call. */
export interface GatewayLogger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  /**
   * Whether records of `level` are written at all, so a caller can skip assembling fields nobody
   * reads (the gateway's per-request line). Absent: every level is assumed to be written.
   */
  isLevelEnabled?(level: Exclude<LogLevel, 'silent'>): boolean;
}

/** Options of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** @default 'info' */
  level?: LogLevel;
  /**
   * Receives each JSON line (without the newline).
   * @default stdout, lines of one tick written together (see {@link writeLineToStdout})
   */
  write?: (line: string) => void;
  now?: () => number;
}

/** Whether a string is a log level. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && value in LEVEL_RANK;
}

/**
 * A logger writing JSON lines (`{"time","level","msg",...fields}`), the format log shippers read
 * without configuration.
 *
 * @example
 * const logger = createJsonLogger({ level: 'debug' });
 * logger.info('request', { tenant: 'acme', cache: 'HIT_L1' });
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): GatewayLogger {
  const threshold = LEVEL_RANK[options.level ?? 'info'];
  const write = options.write ?? writeLineToStdout;
  const now = options.now ?? Date.now;
  const timestamp = createTimestampFormatter();
  const log = (level: Exclude<LogLevel, 'silent'>) => {
    const head = `","level":"${level}","msg":`;
    return (message: string, fields?: Record<string, unknown>) => {
      if (LEVEL_RANK[level] > threshold) return;
      // The line is assembled as text: the fields are serialised once, without first being
      // copied into an object that also holds time, level and message.
      const rest = fields === undefined ? '{}' : JSON.stringify(fields);
      write(
        `{"time":"${timestamp(now())}${head}${JSON.stringify(message)}${rest === '{}' ? '}' : `,${rest.slice(1)}`}`,
      );
    };
  };
  return {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    isLevelEnabled: (level) => LEVEL_RANK[level] <= threshold,
  };
}

/**
 * `toISOString` of epoch milliseconds, remembering the last one: a busy gateway logs many lines
 * within one millisecond.
 */
function createTimestampFormatter(): (epochMs: number) => string {
  let lastMs = Number.NaN;
  let lastText = '';
  return (epochMs) => {
    if (epochMs !== lastMs) {
      lastMs = epochMs;
      lastText = new Date(epochMs).toISOString();
    }
    return lastText;
  };
}

let pendingLines: string[] = [];
let flushScheduled = false;

function flushPendingLines(): void {
  flushScheduled = false;
  if (pendingLines.length === 0) return;
  const text = pendingLines.join('');
  pendingLines = [];
  process.stdout.write(text);
}

/**
 * Writes a log line to stdout together with the other lines of the same event-loop turn: under
 * load a gateway logs a line per request, and one write per line cost about a sixth of an L1
 * hit's CPU. Lines keep their order, reach stdout within the turn, and are flushed synchronously
 * when the process exits.
 */
export function writeLineToStdout(line: string): void {
  pendingLines.push(`${line}\n`);
  if (flushScheduled) return;
  flushScheduled = true;
  if (pendingLines.length === 1 && !exitHookInstalled) installExitHook();
  setImmediate(flushPendingLines);
}

let exitHookInstalled = false;

function installExitHook(): void {
  exitHookInstalled = true;
  process.once('exit', () => {
    if (pendingLines.length === 0) return;
    try {
      writeSync(1, pendingLines.join(''));
    } catch {
      // stdout is gone: nowhere left to write to.
    }
    pendingLines = [];
  });
}
