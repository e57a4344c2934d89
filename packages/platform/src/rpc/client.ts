import type { DescService } from '@bufbuild/protobuf';
import {
  type CallOptions,
  type Client,
  Code,
  ConnectError,
  createClient,
  type Interceptor,
} from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import type { Logger } from '../observability/index.js';
import { rpcCircuitState, rpcClientCalls, rpcClientRetries } from './metrics.js';

/** Codes that say "the server could not answer now": worth another attempt. Never NotFound, InvalidArgument… */
export const TRANSIENT_CODES: ReadonlySet<Code> = new Set([
  Code.Unavailable,
  Code.DeadlineExceeded,
  Code.ResourceExhausted,
  Code.Aborted,
]);

/** Besides the transient codes, answers that say the server is broken: they count towards opening the breaker. */
const BROKEN_CODES: ReadonlySet<Code> = new Set([Code.Internal, Code.Unknown, Code.DataLoss]);

export type CircuitState = 'closed' | 'open' | 'half_open';

const stateValue: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

export interface ResilienceOptions {
  /** The service called, for metrics and logs (e.g. `stores`). */
  readonly target: string;
  /** Who calls (e.g. the module), so that two callers of one target keep their own breakers apart. */
  readonly caller?: string;
  readonly logger: Logger;
  /** Per attempt (default 2 s): a server that hangs must not hold the caller. */
  readonly timeoutMs?: number;
  /** Attempts in all, the first included (default 4). */
  readonly maxAttempts?: number;
  /** Backoff before attempt n+1: a random delay up to min(maxBackoffMs, baseBackoffMs × 2^(n−1)). */
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Consecutive failed attempts that open the breaker (default 5). */
  readonly failureThreshold?: number;
  /** How long the breaker stays open before it lets one trial through (default 10 s). */
  readonly coolDownMs?: number;
  /** Injected in tests. */
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

/** What one attempt is given: Connect's call options, with the attempt's deadline. */
export interface AttemptOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface ResilientCaller {
  /**
   * Runs `attempt` (a unary call) with the per-attempt timeout, retries transient failures with exponential
   * backoff and full jitter, and fails fast with Unavailable while the breaker is open. Rejects with a
   * ConnectError.
   */
  call<T>(method: string, attempt: (options: AttemptOptions) => Promise<T>, signal?: AbortSignal): Promise<T>;
  state(): CircuitState;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * A stream the server refused (HTTP/2 REFUSED_STREAM, e.g. a server closing its connections) was not
 * processed: gRPC calls that UNAVAILABLE, while Connect's Node client reports it as INTERNAL.
 */
function refusedAsUnavailable(error: ConnectError): ConnectError {
  if (error.code !== Code.Internal || !/REFUSED_STREAM/.test(error.rawMessage)) return error;
  return new ConnectError(error.rawMessage, Code.Unavailable, error.metadata, undefined, error.cause);
}

const codeName = (code: Code) => Code[code].replace(/(?<=[a-z])(?=[A-Z])/g, '_').toLowerCase();

export function resilientCaller(options: ResilienceOptions): ResilientCaller {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const baseBackoffMs = options.baseBackoffMs ?? 100;
  const maxBackoffMs = options.maxBackoffMs ?? 2_000;
  const failureThreshold = Math.max(1, options.failureThreshold ?? 5);
  const coolDownMs = options.coolDownMs ?? 10_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const labels = { caller: options.caller ?? '', target: options.target };
  const logger = options.logger.child({ rpcTarget: options.target });

  let state: CircuitState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let trialInFlight = false;
  rpcCircuitState.set(labels, stateValue.closed);

  const become = (next: CircuitState, fields: object = {}) => {
    if (next === state) return;
    state = next;
    rpcCircuitState.set(labels, stateValue[next]);
    const line = { ...labels, ...fields, state: next };
    if (next === 'open') logger.warn(line, 'rpc circuit opened: calls fail fast');
    else if (next === 'half_open') logger.info(line, 'rpc circuit half-open: one trial call');
    else logger.info(line, 'rpc circuit closed');
  };

  /** Whether an attempt may go out now; a half-open breaker lets exactly one through. */
  const admit = (): { trial: boolean } | undefined => {
    if (state === 'open' && now() - openedAt >= coolDownMs) become('half_open');
    if (state === 'closed') return { trial: false };
    if (state === 'half_open' && !trialInFlight) {
      trialInFlight = true;
      return { trial: true };
    }
    return undefined;
  };

  const succeeded = () => {
    failures = 0;
    become('closed');
  };
  const failed = (code: Code) => {
    failures++;
    if (state === 'half_open' || failures >= failureThreshold) {
      openedAt = now();
      become('open', { failures, code: codeName(code) });
    }
  };

  return {
    state: () => {
      if (state === 'open' && now() - openedAt >= coolDownMs) return 'half_open';
      return state;
    },

    async call(method, attempt, signal) {
      const count = (outcome: string) => rpcClientCalls.inc({ ...labels, method, outcome });
      for (let n = 1; ; n++) {
        const admitted = admit();
        if (!admitted) {
          count('circuit_open');
          throw new ConnectError(
            `${options.target} is not answering (circuit open): not called`,
            Code.Unavailable,
          );
        }
        let error: ConnectError;
        try {
          const answer = await attempt({ timeoutMs, signal });
          succeeded();
          count('ok');
          return answer;
        } catch (thrown) {
          error = refusedAsUnavailable(ConnectError.from(thrown));
        } finally {
          if (admitted.trial) trialInFlight = false;
        }
        const transient = TRANSIENT_CODES.has(error.code);
        // The caller gave up: neither the server's fault nor worth another attempt (a trial may be made again).
        if (error.code === Code.Canceled || signal?.aborted) {
          count(codeName(error.code));
          throw error;
        }
        if (transient || BROKEN_CODES.has(error.code)) failed(error.code);
        else succeeded(); // It answered (NotFound, InvalidArgument…): the server is fine.
        if (!transient || n >= maxAttempts || state === 'open') {
          count(codeName(error.code));
          throw error;
        }
        rpcClientRetries.inc({ ...labels, method });
        const ceiling = Math.min(maxBackoffMs, baseBackoffMs * 2 ** (n - 1));
        await sleep(Math.round(random() * ceiling), signal);
      }
    },
  };
}

/**
 * A Connect client whose unary methods go through a ResilientCaller. Streaming methods are the caller's to
 * guard (a stream is not retried blindly); they are left as they are.
 */
export function resilientClient<Service extends DescService>(
  service: Service,
  transport: Parameters<typeof createClient>[1],
  caller: ResilientCaller,
): Client<Service> {
  const raw = createClient(service, transport) as Record<string, unknown>;
  const wrapped: Record<string, unknown> = { ...raw };
  for (const method of service.methods) {
    if (method.methodKind !== 'unary') continue;
    const call = raw[method.localName] as (request: unknown, options?: CallOptions) => Promise<unknown>;
    wrapped[method.localName] = (request: unknown, options?: CallOptions) =>
      caller.call(
        method.name,
        (attempt) => call(request, { ...options, timeoutMs: attempt.timeoutMs }),
        options?.signal,
      );
  }
  return wrapped as Client<Service>;
}

/**
 * Sends `authorization: Bearer <token>` with every call. A token that cannot be had (the identity provider is
 * away) fails the call as UNAVAILABLE: an outage the caller retries and answers as such, never sent unsigned.
 */
export function bearerToken(token: () => Promise<string>): Interceptor {
  return (next) => async (request) => {
    let bearer: string;
    try {
      bearer = await token();
    } catch (error) {
      throw new ConnectError(
        `no token to call with: ${error instanceof Error ? error.message : String(error)}`,
        Code.Unavailable,
        undefined,
        undefined,
        error,
      );
    }
    request.header.set('authorization', `Bearer ${bearer}`);
    return next(request);
  };
}

export interface ConnectClientOptions extends ResilienceOptions {
  /** Who calls: a bearer token for every call (a module's: this process's service token, `serviceToken`). */
  readonly token?: () => Promise<string>;
}

/**
 * What a module's client of another module's RPC service takes: where that module serves RPC, a logger, and
 * the caller's token and name; the other settings keep their defaults unless given.
 */
export interface ModuleClientOptions extends Partial<Omit<ConnectClientOptions, 'target' | 'logger'>> {
  /** Where the module serves RPC (its RPC port), e.g. http://stores:8085. */
  readonly baseUrl: string;
  readonly logger: Logger;
}

/**
 * A Connect client over HTTP/2 cleartext (the platform's RPC servers speak h2c, ADR 0016) to `baseUrl`, its
 * unary calls guarded by retries and a circuit breaker, each carrying the caller's token when one is given.
 */
export function connectClient<Service extends DescService>(
  service: Service,
  baseUrl: string,
  options: ConnectClientOptions,
): Client<Service> {
  const { token, ...resilience } = options;
  return resilientClient(
    service,
    createConnectTransport({
      baseUrl,
      httpVersion: '2',
      ...(token ? { interceptors: [bearerToken(token)] } : {}),
    }),
    resilientCaller(resilience),
  );
}

/**
 * A look-up over RPC where NOT_FOUND means "there is none" (undefined); any other failure is thrown as the
 * error `unavailable` makes from its reason, so the caller answers or retries as for an outage.
 */
export async function lookUpOverRpc<T>(
  call: () => Promise<T>,
  unavailable: (reason: string, cause: unknown) => Error,
): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    const failure = ConnectError.from(error);
    if (failure.code === Code.NotFound) return undefined;
    throw unavailable(`${Code[failure.code]}: ${failure.rawMessage}`, error);
  }
}
