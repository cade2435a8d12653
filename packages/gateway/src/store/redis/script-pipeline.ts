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

/**
 * A command sent and not answered yet, or a group of commands answered together (the same object
 * then waits once per command, and collects their replies in `replies`).
 */
interface Waiting {
  sentAt: number;
  /** Settled already (rejected on a drop or a timeout, or a reply nobody waits for). */
  settled: boolean;
  /** The replies so far of a group, which resolves with all of them, in order. */
  replies?: RespValue[];
  /** How many commands the group holds. */
  size?: number;
  resolve(value: RespValue): void;
  reject(error: Error): void;
}

/** How one of the hashes {@link ScriptPipeline.readHashes} reads is read: `HMGET key ...fields`. */
export interface HashRead {
  key: string;
  /** At least one. */
  fields: readonly string[];
}

const ignore = (): void => {};

/**
 * A connection of its own to one Redis server that carries the hit path's commands and nothing
 * else (the lookup script's `EVALSHA`, the reads that check a held copy, the hit counters), without
 * a general client's per-command work. Every command sent in one event-loop turn goes out in one
 * write; replies come back in order. It is an accelerator beside
 * the store's main client, never the only way to Redis: while it is not {@link ready}, callers
 * use the main client. Commands in flight when the connection drops reject (never resent); it
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
  /** Counter increments of this turn, summed: by hash key, by field. */
  readonly #increments = new Map<string, Map<string, number>>();

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

  /**
   * One `HMGET` per read, sent together and run by Redis one after the other: resolves with their
   * replies in order (one value per field, `null` where absent), or rejects with the first error
   * reply (`MOVED …` when a key's slot is served elsewhere) or as {@link evalsha} does. Only while
   * {@link ready}.
   */
  readHashes(reads: readonly HashRead[]): Promise<RespValue[]> {
    if (!this.#ready) return Promise.reject(new Error('Script connection not ready'));
    let commands = '';
    for (const { key, fields } of reads) {
      commands += `*${2 + fields.length}\r\n$5\r\nHMGET\r\n${bulk(key)}`;
      for (const field of fields) commands += bulk(field);
    }
    return this.#send(commands, reads.length) as Promise<RespValue[]>;
  }

  /**
   * Adds `by` to the counter `field` of the hash `key`, without an answer: the increments of one
   * event-loop turn are summed and go out as one `HINCRBY` per counter with the turn's write.
   * Increments made while the connection is down, or in flight when it drops, are lost (the hit
   * statistics are best-effort); {@link sync} waits until those sent are applied.
   */
  increment(key: string, field: string, by: number): void {
    if (!this.#ready) return;
    let counters = this.#increments.get(key);
    if (counters === undefined) {
      counters = new Map();
      this.#increments.set(key, counters);
    }
    counters.set(field, (counters.get(field) ?? 0) + by);
    this.#scheduleFlush();
  }

  /**
   * Resolves once Redis has applied every {@link increment} made so far (a `PING` sent after
   * them answers), or at once when the connection is not ready; never rejects.
   */
  sync(): Promise<void> {
    if (!this.#ready) return Promise.resolve();
    this.#writeIncrements();
    return this.#send('*1\r\n$4\r\nPING\r\n').then(ignore, ignore);
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

  /** Queues `commands` (`size` of them, answered together when more than one) for this turn's write. */
  #send(commands: string, size = 1): Promise<RespValue> {
    return new Promise<RespValue>((resolve, reject) => {
      const waiting: Waiting = { sentAt: Date.now(), settled: false, resolve, reject };
      if (size > 1) {
        waiting.replies = [];
        waiting.size = size;
      }
      for (let command = 0; command < size; command++) this.#waiting.push(waiting);
      this.#outgoing += commands;
      this.#scheduleFlush();
    });
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(this.#flush);
  }

  /** Turns the summed increments into `HINCRBY`s of this turn's write, whose replies nobody waits for. */
  #writeIncrements(): void {
    if (this.#increments.size === 0) return;
    const sentAt = Date.now();
    for (const [key, counters] of this.#increments) {
      const prefix = `*4\r\n$7\r\nHINCRBY\r\n${bulk(key)}`;
      for (const [field, by] of counters) {
        this.#outgoing += `${prefix}${bulk(field)}${bulk(String(by))}`;
        this.#waiting.push({ sentAt, settled: true, resolve: ignore, reject: ignore });
      }
    }
    this.#increments.clear();
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    if (this.#ready) this.#writeIncrements();
    else this.#increments.clear();
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
    if (value instanceof Error) {
      waiting.settled = true;
      waiting.reject(value);
      return;
    }
    const replies = waiting.replies;
    if (replies !== undefined) {
      replies.push(value);
      if (replies.length < (waiting.size ?? 1)) return;
    }
    waiting.settled = true;
    waiting.resolve(replies ?? value);
  };

  /** Rejects every script waiting or not yet written. */
  #dropConnection(error: Error): void {
    this.#reader.reset();
    clearInterval(this.#timeoutTimer);
    this.#timeoutTimer = undefined;
    this.#outgoing = '';
    this.#increments.clear();
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
