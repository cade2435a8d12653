/**
 * An error the gateway answers with a status and an OpenAI-shaped JSON body
 * (`{"error": {"message", "type", "code"}}`), so every SDK surfaces its message.
 */
export class GatewayHttpError extends Error {
  override readonly name = 'GatewayHttpError';
  readonly status: number;
  readonly type: string;
  readonly code: string;
  /** Extra response headers, e.g. `Retry-After` on a 429. */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    options: {
      type?: string;
      code?: string;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = status;
    this.type = options.type ?? defaultErrorType(status);
    this.code = options.code ?? defaultErrorCode(status);
    this.headers = options.headers ?? {};
  }

  /**
   * The same error answered with more headers (e.g. the `X-Cache` headers of the request that
   * failed); the error's own headers win.
   */
  withHeaders(headers: Record<string, string>): GatewayHttpError {
    return new GatewayHttpError(this.status, this.message, {
      type: this.type,
      code: this.code,
      headers: { ...headers, ...this.headers },
      cause: this.cause,
    });
  }

  /** The OpenAI-shaped error body. */
  toBody(): { error: { message: string; type: string; code: string } } {
    return { error: { message: this.message, type: this.type, code: this.code } };
  }
}

function defaultErrorType(status: number): string {
  if (status === 401 || status === 403) return 'authentication_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function defaultErrorCode(status: number): string {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'invalid_token';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limited';
    case 502:
      return 'upstream_unreachable';
    case 504:
      return 'upstream_timeout';
    default:
      return status >= 500 ? 'gateway_error' : 'bad_request';
  }
}
