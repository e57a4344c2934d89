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
import { context, trace } from '@opentelemetry/api';
import {
  BrokenCircuitError,
  CircuitState as CircuitBreakerState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  type GeneratorFn,
  handleWhen,
  type IBackoff,
  type IBackoffFactory,
  noJitterGenerator,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
} from 'cockatiel';
import type { Logger } from '../observability/index.js';
import {
  currentConversation,
  failSpan,
  runInContext,
  SpanKind,
  traceHeadersOf,
  tracer,
} from '../observability/trace-context.js';
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

/**
 * What one attempt is given: Connect's call options, with the attempt's deadline (sent to the server) and a
 * signal that aborts when the attempt's time is up or the caller gives up.
 */
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

/** How the breaker's states show in the metric and the logs. */
const stateOf: Record<CircuitBreakerState, CircuitState> = {
  [CircuitBreakerState.Closed]: 'closed',
  [CircuitBreakerState.HalfOpen]: 'half_open',
  [CircuitBreakerState.Open]: 'open',
  [CircuitBreakerState.Isolated]: 'open',
};

/**
 * Full jitter (a random delay up to the exponential ceiling) with the caller's `random`: cockatiel's own
 * `fullJitterGenerator` draws from Math.random, which tests cannot pin.
 */
const fullJitter =
  (random: () => number): GeneratorFn<number> =>
  (attempts, options) => {
    const [ceiling, next] = noJitterGenerator(attempts, options);
    return [Math.round(random() * ceiling), next];
  };

/** What one attempt came to, for the breaker: a value, or an error that is an answer (NotFound…), not a fault. */
type Outcome<T> = { readonly value: T } | { readonly answered: ConnectError };

/**
 * Cockatiel's policies, composed per call: a retry (exponential backoff, full jitter) around a circuit breaker
 * (consecutive failures, one trial when half-open) around a timeout per attempt. Three things are the
 * platform's own around them, each for a reason: the wait between attempts is `sleep` (cockatiel's timer
 * cannot be cut short by the caller's signal, nor faked without fake timers), the cool-down is measured on
 * `now`, and a half-open breaker fails the other calls fast rather than queueing them behind its trial.
 */
export function resilientCaller(options: ResilienceOptions): ResilientCaller {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const failureThreshold = Math.max(1, options.failureThreshold ?? 5);
  const coolDownMs = options.coolDownMs ?? 10_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const labels = { caller: options.caller ?? '', target: options.target };
  const logger = options.logger.child({ rpcTarget: options.target });
  const backoff = new ExponentialBackoff({
    initialDelay: options.baseBackoffMs ?? 100,
    maxDelay: options.maxBackoffMs ?? 2_000,
    generator: fullJitter(options.random ?? Math.random),
  });

  // Cockatiel compares its cool-down with Date.now(); this one says "over" (0) or "not yet" by `now`.
  let openedAt = 0;
  const coolDown: IBackoffFactory<unknown> = {
    next() {
      const since = now();
      openedAt = since;
      return {
        get duration() {
          return now() - since >= coolDownMs ? 0 : Number.POSITIVE_INFINITY;
        },
        next: coolDown.next,
      };
    },
  };
  const consecutive = new ConsecutiveBreaker(failureThreshold);
  const breaker = circuitBreaker(
    handleWhen((error) => error instanceof ConnectError && countsAgainstServer(error.code)),
    { halfOpenAfter: coolDown, breaker: consecutive },
  );
  const perAttempt = timeout(timeoutMs, TimeoutStrategy.Aggressive);

  rpcCircuitState.set(labels, stateValue.closed);
  let lastCode: Code | undefined;
  breaker.onStateChange((next) => {
    const state = stateOf[next];
    rpcCircuitState.set(labels, stateValue[state]);
    const line = { ...labels, state };
    if (state === 'open') {
      logger.warn(
        { ...line, failures: consecutive.state, ...(lastCode !== undefined && { code: codeName(lastCode) }) },
        'rpc circuit opened: calls fail fast',
      );
    } else if (state === 'half_open') logger.info(line, 'rpc circuit half-open: one trial call');
    else logger.info(line, 'rpc circuit closed');
  });

  /** One attempt within its time; a failure is a ConnectError, whose code says whose fault it was. */
  const once = async <T>(
    attempt: (options: AttemptOptions) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<Outcome<T>> => {
    try {
      return {
        value: await perAttempt.execute(
          ({ signal: attemptSignal }) => attempt({ timeoutMs, signal: attemptSignal }),
          signal,
        ),
      };
    } catch (thrown) {
      const error = asConnectError(thrown, signal);
      lastCode = error.code;
      // The caller gave up: neither the server's fault nor an answer from it.
      if (error.code === Code.Canceled || signal?.aborted) throw error;
      if (countsAgainstServer(error.code)) throw error;
      return { answered: error }; // It answered (NotFound, InvalidArgument…): the server is fine.
    }
  };

  const circuitOpen = () =>
    new ConnectError(`${options.target} is not answering (circuit open): not called`, Code.Unavailable);

  return {
    state: () => {
      if (breaker.state === CircuitBreakerState.Open) {
        return now() - openedAt >= coolDownMs ? 'half_open' : 'open';
      }
      return stateOf[breaker.state];
    },

    async call(method, attempt, signal) {
      const count = (outcome: string) => rpcClientCalls.inc({ ...labels, method, outcome });
      // A call's own failures that open the breaker end its retries too.
      const retrying = retry(
        handleWhen(
          (error) =>
            error instanceof ConnectError &&
            TRANSIENT_CODES.has(error.code) &&
            breaker.state !== CircuitBreakerState.Open,
        ),
        { maxAttempts: maxAttempts - 1 },
      );
      retrying.onRetry(() => rpcClientRetries.inc({ ...labels, method }));
      let delay: IBackoff<unknown> | undefined;
      try {
        const answer = await retrying.execute(async ({ attempt: retried }) => {
          if (retried > 0) {
            delay = delay ? delay.next(undefined) : backoff.next();
            await sleep(delay.duration, signal);
          }
          // Half-open, one trial goes out; cockatiel would queue the others behind it, and they fail fast.
          if (breaker.state === CircuitBreakerState.HalfOpen) throw new BrokenCircuitError();
          const outcome = await breaker.execute(() => once(attempt, signal), signal);
          if ('answered' in outcome) throw outcome.answered;
          return outcome.value;
        }, signal);
        count('ok');
        return answer;
      } catch (thrown) {
        if (thrown instanceof BrokenCircuitError) {
          count('circuit_open');
          throw circuitOpen();
        }
        const error = asConnectError(thrown, signal);
        count(codeName(error.code));
        throw error;
      }
    },
  };
}

/** Transient codes, and answers that say the server is broken: what counts towards opening the breaker. */
const countsAgainstServer = (code: Code) => TRANSIENT_CODES.has(code) || BROKEN_CODES.has(code);

/**
 * Any failure of an attempt as a ConnectError: the attempt's timeout (cockatiel's) is DeadlineExceeded, the
 * caller's giving up Canceled, a stream the server refused Unavailable; anything else as Connect sees it.
 */
function asConnectError(thrown: unknown, signal: AbortSignal | undefined): ConnectError {
  if (thrown instanceof TaskCancelledError) {
    return signal?.aborted
      ? new ConnectError('the caller canceled the call', Code.Canceled, undefined, undefined, thrown)
      : new ConnectError(thrown.message, Code.DeadlineExceeded, undefined, undefined, thrown);
  }
  return refusedAsUnavailable(ConnectError.from(thrown));
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
        (attempt) => call(request, { ...options, timeoutMs: attempt.timeoutMs, signal: attempt.signal }),
        options?.signal,
      );
  }
  return wrapped as Client<Service>;
}

/**
 * Sends `authorization: Bearer <token>` with every call. A token that cannot be had (the identity provider is
 * away) fails the call as UNAVAILABLE: an outage the caller retries and answers as such, never sent unsigned.
 */
/**
 * Each call is a client span whose trace headers (W3C trace context and baggage) go with the request, so the
 * server's span is its child (ADR 0045); the conversation's correlation id goes too.
 */
export const tracedCall: Interceptor = (next) => async (request) => {
  const span = tracer().startSpan(`${request.service.typeName}/${request.method.name}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      'rpc.system': 'connect_rpc',
      'rpc.service': request.service.typeName,
      'rpc.method': request.method.name,
    },
  });
  const active = trace.setSpan(context.active(), span);
  for (const [name, value] of Object.entries(traceHeadersOf(active))) request.header.set(name, value);
  const conversation = currentConversation();
  if (conversation) request.header.set('x-correlation-id', conversation.correlationId);
  try {
    return await runInContext(active, () => next(request));
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
};

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
      interceptors: token ? [tracedCall, bearerToken(token)] : [tracedCall],
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
