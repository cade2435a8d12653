/** Log levels, most severe first; `silent` logs nothing. */
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

const LEVEL_RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** Where the gateway writes its logs; one structured record per call. */
export interface GatewayLogger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

/** Options of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** @default 'info' */
  level?: LogLevel;
  /** Receives each JSON line (without the newline). @default a write to stdout */
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
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const log =
    (level: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Record<string, unknown>) => {
      if (LEVEL_RANK[level] > threshold) return;
      write(
        JSON.stringify({ time: new Date(now()).toISOString(), level, msg: message, ...fields }),
      );
    };
  return { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug') };
}
