import { connect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as connectTls } from 'node:tls';
import { reconnectDelay } from './reconnect-delay';
import { RespReader, type RespValue } from './resp-reader';

/** Where a {@link ScriptPipeline} connects, and its time limits. */
export interface ScriptPipelineOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  /** Database number (`SELECT`), 0 when absent. */
  db?: number;
  /** IP family of `host`'s address (4 or 6), as for `net.connect`; any when absent. */
  family?: number;
  /** Name the connection gives itself (`CLIENT SETNAME`), as ioredis' `connectionName`. */
  connectionName?: string;
  /** TLS options (as ioredis takes them, `tls.connect`'s): the connection is TLS when given. */
  tls?: ConnectionOptions;
  connectTimeoutMs: number;
  /**
   * A script without an answer after this long rejects, and the connection with it (checked every
   * tenth of it).
   */
  commandTimeoutMs: number;
  /** Upper bound of the pause between reconnection attempts (the backoff starts at 50 ms). */
  maxReconnectDelayMs: number;
}

/** A command sent and not answered yet. */
interface Waiting {
  sentAt: number;
  /** Settled already (rejected on a drop or a timeout). */
  settled: boolean;
  resolve(value: RespValue): void;
  reject(error: Error): void;
}

/**
 * A connection of its own to one Redis server that runs scripts by SHA and nothing else: the hit
 * path's `EVALSHA`, without a general client's per-command work. Every script run in one
 * event-loop turn goes out in one write; replies come back in order. It is an accelerator beside
 * the store's main client, never the only way to Redis: while it is not {@link ready}, callers
 * use the main client. Scripts in flight when the connection drops reject (never resent); it
 * reconnects by itself with a capped backoff and says nothing (the main client warns about
 * outages).
 */
export class ScriptPipeline {
  readonly #options: ScriptPipelineOptions;
  readonly #reader = new RespReader();
  #socket: Socket | undefined;
  #ready = false;
  #closed = false;
  #attempt = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #timeoutTimer: NodeJS.Timeout | undefined;
  /** Commands waiting for their reply, oldest first from `#head`. */
  #waiting: Waiting[] = [];
  #head = 0;
  /** Commands of this turn not written yet. */
  #outgoing = '';
  #flushScheduled = false;

  constructor(options: ScriptPipelineOptions) {
    this.#options = options;
    this.#connect();
  }

  /** Whether scripts can be sent now. */
  get ready(): boolean {
    return this.#ready;
  }

  /**
   * Runs the script `sha1` (`EVALSHA`); resolves with its reply, rejects with a `ReplyError` for
   * an error reply (`NOSCRIPT …` when the server does not know the script), or with an error when
   * the connection drops or the reply is late. Only while {@link ready}.
   */
  evalsha(
    sha1: string,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<RespValue> {
    if (!this.#ready) return Promise.reject(new Error('Script connection not ready'));
    let command = `*${3 + keys.length + args.length}\r\n$7\r\nEVALSHA\r\n$${sha1.length}\r\n${sha1}\r\n${bulk(String(keys.length))}`;
    for (const key of keys) command += bulk(key);
    for (const arg of args) command += bulk(typeof arg === 'string' ? arg : String(arg));
    return this.#send(command);
  }

  /** Closes the connection for good; scripts in flight reject. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ready = false;
    clearTimeout(this.#reconnectTimer);
    this.#socket?.destroy();
    this.#dropConnection(new Error('The Redis store is closed.'));
  }

  #send(command: string): Promise<RespValue> {
    return new Promise<RespValue>((resolve, reject) => {
      this.#waiting.push({ sentAt: Date.now(), settled: false, resolve, reject });
      this.#outgoing += command;
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(this.#flush);
      }
    });
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    const outgoing = this.#outgoing;
    this.#outgoing = '';
    if (outgoing !== '') this.#socket?.write(outgoing);
  };

  #connect(): void {
    const { host, port, family, tls, connectTimeoutMs } = this.#options;
    const socket: Socket =
      tls === undefined
        ? connect({ host, port, family })
        : // As ioredis does: the TLS options may name the address too; `family` reaches the socket.
          connectTls({
            host,
            port,
            ...(family === undefined ? {} : { family }),
            ...tls,
          } as ConnectionOptions);
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    this.#socket = socket;
    socket.setTimeout(connectTimeoutMs);
    socket.once('timeout', () => socket.destroy(new Error('connect timeout')));
    // Over TLS, commands wait for the handshake (which checks the server's certificate).
    socket.once(tls === undefined ? 'connect' : 'secureConnect', () => {
      socket.setTimeout(0);
      this.#handshake();
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        this.#reader.feed(chunk, this.#onReply);
      } catch (error) {
        socket.destroy(error as Error);
      }
    });
    // Every failure ends in 'close', which drops what waits and schedules the next attempt.
    socket.on('error', () => {});
    socket.once('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#ready = false;
      this.#dropConnection(new Error(`Connection to Redis at ${host}:${port} closed`));
      this.#scheduleReconnect();
    });
  }

  /** AUTH, CLIENT SETNAME and SELECT as configured and a PING, then ready. A refusal closes the connection. */
  #handshake(): void {
    const { username, password, db, connectionName } = this.#options;
    const steps: string[][] = [];
    if (password !== undefined) {
      steps.push(username !== undefined ? ['AUTH', username, password] : ['AUTH', password]);
    }
    if (connectionName) steps.push(['CLIENT', 'SETNAME', connectionName]);
    if (db !== undefined && db !== 0) steps.push(['SELECT', String(db)]);
    // Answered only once the connection may run commands (a server wanting AUTH says NOAUTH).
    steps.push(['PING']);
    this.#startTimeoutChecks();
    const replies = steps.map((step) =>
      this.#send(`*${step.length}\r\n${step.map(bulk).join('')}`),
    );
    Promise.all(replies).then(
      () => {
        this.#attempt = 0;
        this.#ready = !this.#closed && this.#socket !== undefined;
      },
      () => this.#socket?.destroy(),
    );
  }

  readonly #onReply = (value: RespValue): void => {
    const waiting = this.#waiting[this.#head];
    if (!waiting) {
      // A reply nobody asked for: the stream is out of step.
      this.#socket?.destroy(new Error('Unexpected reply from Redis'));
      return;
    }
    this.#waiting[this.#head] = undefined as unknown as Waiting;
    this.#head++;
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
    if (waiting.settled) return;
    waiting.settled = true;
    if (value instanceof Error) waiting.reject(value);
    else waiting.resolve(value);
  };

  /** Rejects every script waiting or not yet written. */
  #dropConnection(error: Error): void {
    this.#reader.reset();
    clearInterval(this.#timeoutTimer);
    this.#timeoutTimer = undefined;
    this.#outgoing = '';
    const waiting = this.#waiting.slice(this.#head);
    this.#waiting = [];
    this.#head = 0;
    for (const command of waiting) {
      if (command.settled) continue;
      command.settled = true;
      command.reject(error);
    }
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    this.#attempt++;
    this.#reconnectTimer = setTimeout(
      () => this.#connect(),
      reconnectDelay(this.#attempt, this.#options.maxReconnectDelayMs),
    );
    this.#reconnectTimer.unref();
  }

  /**
   * Late replies reject: the oldest waiting commands are checked every tenth of the limit. A late
   * reply means a hung server or a broken network, so the connection is dropped too (what waits
   * rejects, and a new one is tried with backoff) rather than left to queue every later command.
   */
  #startTimeoutChecks(): void {
    const limit = this.#options.commandTimeoutMs;
    this.#timeoutTimer = setInterval(
      () => {
        const oldest = this.#waiting[this.#head];
        if (oldest === undefined || oldest.sentAt > Date.now() - limit) return;
        oldest.settled = true;
        oldest.reject(new Error(`Command timed out after ${limit} ms`));
        this.#socket?.destroy();
      },
      Math.max(5, Math.floor(limit / 10)),
    );
    this.#timeoutTimer.unref();
  }
}

/** `value` as a RESP bulk string. */
function bulk(value: string): string {
  return `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
}
