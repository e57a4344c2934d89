import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  fullJitterGenerator,
  handleWhen,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { z } from 'zod';
import { Money } from '../../domain/money.js';
import {
  type AvailabilityGetter,
  AvailabilityUnavailable,
  type Option,
} from '../../domain/recommendation.js';

/**
 * The partner's answer in the partner's words: the only place in CoffeeCo that knows them (RS-9). Its prices
 * are whole US dollars, as the field's name says; ours are cents (RS-D2).
 */
const partnershipsResponse = z.object({
  availableHotels: z.array(
    z.object({ name: z.string(), priceInUSDPerNight: z.number().int().nonnegative() }),
  ),
});

/** How hard the adaptor tries before it says the partner is down. The defaults suit a person waiting. */
export interface PartnershipResilience {
  /** Retries after the first attempt (RS-4, RS-5: the book's retrying client makes at most 10). */
  readonly maxRetries?: number;
  /** The exponential backoff's first ceiling and its cap (full jitter: a random wait up to it). */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Per attempt: a partner that hangs must not hold the person waiting. */
  readonly timeoutMs?: number;
  /** Calls (each after its retries) failed in a row that open the breaker, and how long it stays open. */
  readonly breakerThreshold?: number;
  readonly halfOpenAfterMs?: number;
  /** Retry-After when the partner just failed every attempt (the breaker is still closed). */
  readonly retryAfterSeconds?: number;
}

/** A failure worth another attempt: the partner did not answer, or answered 5xx (RS-5). */
class PartnerFault extends Error {}

/**
 * The partnership adaptor (the book's `PartnershipAdaptor`, MS-5): the anti-corruption layer between our
 * `AvailabilityGetter` and the partner's HTTP API. It asks `GET <base>/partnerships?location=&from=&to=` with
 * the location URL-encoded and the dates `YYYY-MM-DD`, zero-padded (RS-8, RS-D3), and translates the hotels
 * into our `Option`s, dollars into cents. Resilience is infrastructure, and here, from cockatiel: each attempt
 * has its time; faults are retried with exponential backoff and full jitter; calls that fail every attempt
 * open a breaker, which then fails calls at once until a trial call gets through.
 */
export class PartnershipAdaptor implements AvailabilityGetter {
  private readonly breaker;
  private readonly policy;
  private readonly retryAfterSeconds: number;
  private readonly halfOpenAfterMs: number;
  private openedAt = 0;

  constructor(
    /** The partner's base URL (e.g. http://host:port/coffeeco/api), asked at each call; undefined: not known. */
    private readonly baseUrl: () => string | undefined,
    resilience: PartnershipResilience = {},
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    if (typeof baseUrl !== 'function') throw new Error('url cannot be empty');
    this.halfOpenAfterMs = resilience.halfOpenAfterMs ?? 30_000;
    this.retryAfterSeconds = resilience.retryAfterSeconds ?? 5;
    // Faults, and attempts that ran out of time: worth another attempt, and what opens the breaker.
    const faults = handleWhen(
      (error) => error instanceof PartnerFault || error instanceof TaskCancelledError,
    );
    this.breaker = circuitBreaker(faults, {
      halfOpenAfter: this.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(resilience.breakerThreshold ?? 3),
    });
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
    });
    const retrying = retry(faults, {
      maxAttempts: resilience.maxRetries ?? 10,
      backoff: new ExponentialBackoff({
        initialDelay: resilience.initialDelayMs ?? 50,
        maxDelay: resilience.maxDelayMs ?? 1_000,
        generator: fullJitterGenerator,
      }),
    });
    const perAttempt = timeout(resilience.timeoutMs ?? 2_000, TimeoutStrategy.Aggressive);
    // The breaker sees whole calls: one that fails every attempt counts once.
    this.policy = wrap(this.breaker, retrying, perAttempt);
  }

  async GetAvailability(tripStart: Date, tripEnd: Date, location: string): Promise<readonly Option[]> {
    const base = this.baseUrl();
    if (base === undefined) {
      throw new AvailabilityUnavailable(
        'no address for the partner: set PARTNERSHIPS_URL',
        this.retryAfterSeconds,
      );
    }
    const url =
      `${base.replace(/\/+$/, '')}/partnerships?location=${encodeURIComponent(location)}` +
      `&from=${isoDate(tripStart)}&to=${isoDate(tripEnd)}`;
    let body: unknown;
    try {
      body = await this.policy.execute(({ signal }) => this.attempt(url, signal));
    } catch (error) {
      throw this.unavailable(error);
    }
    const parsed = partnershipsResponse.safeParse(body);
    if (!parsed.success) {
      throw new Error(`could not decode the response body of partnerships: ${parsed.error.message}`);
    }
    return parsed.data.availableHotels.map((hotel) => ({
      HotelName: hotel.name,
      Location: location,
      PricePerNight: Money.of(hotel.priceInUSDPerNight * 100, 'USD'),
    }));
  }

  /** One request: its body as JSON, or a fault (retried) or a refusal (not retried: asking again changes nothing). */
  private async attempt(url: string, signal: AbortSignal): Promise<unknown> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, { signal, headers: { accept: 'application/json' } });
    } catch (error) {
      throw new PartnerFault(`failed to call partnerships: ${messageOf(error)}`, { cause: error });
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      const message = `bad request to partnerships: ${response.status}`;
      if (response.status >= 500) throw new PartnerFault(message);
      throw new Error(message);
    }
    try {
      return await response.json();
    } catch (error) {
      throw new Error(`could not decode the response body of partnerships: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  /** Faults after the last retry, a timeout or an open breaker: the partner is down for now. */
  private unavailable(error: unknown): unknown {
    if (error instanceof BrokenCircuitError) {
      const left = this.halfOpenAfterMs - (Date.now() - this.openedAt);
      return new AvailabilityUnavailable(
        'partnerships is not answering (circuit open): not called',
        Math.max(1, Math.ceil(left / 1000)),
        { cause: error },
      );
    }
    if (error instanceof PartnerFault || error instanceof TaskCancelledError) {
      const seconds =
        this.breaker.state === CircuitState.Open
          ? Math.ceil(this.halfOpenAfterMs / 1000)
          : this.retryAfterSeconds;
      const message =
        error instanceof PartnerFault ? error.message : `failed to call partnerships: ${error.message}`;
      return new AvailabilityUnavailable(message, seconds, { cause: error });
    }
    return error;
  }
}

/** `YYYY-MM-DD` of a UTC date, zero-padded (the book's `%d-%d-%d` sent 2023-4-2). */
const isoDate = (date: Date) => date.toISOString().slice(0, 10);

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
