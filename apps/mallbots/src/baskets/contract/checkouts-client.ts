import type { Logger } from '@tessera/platform/observability';
import type { Services } from '@tessera/platform/runtime';
import {
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { z } from 'zod';
import {
  BASKET_CHECKOUTS_SERVICE,
  type BasketCheckout,
  type BasketCheckouts,
  BasketsUnavailableError,
} from './checkouts.js';
import { basketsMessages } from './integration-events.js';

/** The module name Baskets goes by (HTTP_SERVICES, `httpAddressOf`). */
export const BASKETS_MODULE = 'baskets';

/** What a module asking Baskets gives: parts of its context, and its own name. */
export interface BasketCheckoutsLookup {
  readonly services: Services;
  /** Where Baskets answers HTTP when it runs in another process (the context's `httpAddressOf`). */
  readonly httpAddressOf: (module: string) => string | undefined;
  /** What the calls carry: the module's `serviceToken` (the route admits modules only). */
  readonly serviceToken: () => Promise<string>;
  readonly logger: Pick<Logger, 'warn'>;
  /** How hard a remote look-up tries (tests make it quick). */
  readonly resilience?: { timeoutMs?: number; maxAttempts?: number; breakerThreshold?: number };
}

const answer = z.object({ checkout: basketsMessages['basketsapi.BasketCheckedOut'] });

/** A failure worth another attempt: Baskets did not answer, or answered 5xx. */
class BasketsFault extends Error {}

/**
 * BasketCheckouts over Baskets' REST API (`GET <baskets>/api/baskets/{id}/checkout` with the service token):
 * each attempt has 2 s, faults are retried with exponential backoff (4 attempts in all), and 5 calls failing in
 * a row open a breaker that fails calls at once for 10 s. 404 is "no checkout"; anything else that is not an
 * answer is a BasketsUnavailableError.
 */
export function basketCheckoutsOverHttp(
  baseUrl: () => string | undefined,
  { serviceToken, logger, resilience = {} }: Omit<BasketCheckoutsLookup, 'services' | 'httpAddressOf'>,
): BasketCheckouts {
  const faults = handleWhen((error) => error instanceof BasketsFault || error instanceof TaskCancelledError);
  const breaker = circuitBreaker(faults, {
    halfOpenAfter: 10_000,
    breaker: new ConsecutiveBreaker(resilience.breakerThreshold ?? 5),
  });
  breaker.onBreak(() => logger.warn('Baskets is not answering: checkout look-ups fail fast for a while'));
  const policy = wrap(
    retry(faults, {
      maxAttempts: (resilience.maxAttempts ?? 4) - 1,
      backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1_000 }),
    }),
    breaker,
    timeout(resilience.timeoutMs ?? 2_000, TimeoutStrategy.Aggressive),
  );
  return {
    async findCheckout(basketId) {
      const base = baseUrl();
      if (base === undefined) {
        throw new BasketsUnavailableError(
          'Baskets is not in this process and HTTP_SERVICES names no address for it',
        );
      }
      try {
        return await policy.execute(async ({ signal }) => {
          let response: Response;
          try {
            const token = await serviceToken();
            response = await fetch(`${base}/api/baskets/${encodeURIComponent(basketId)}/checkout`, {
              headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
              signal,
            });
          } catch (error) {
            throw new BasketsFault(`Baskets did not answer: ${(error as Error).message}`, { cause: error });
          }
          const text = await response.text();
          if (response.status === 404) return undefined;
          if (response.status >= 500) throw new BasketsFault(`Baskets answered ${response.status}`);
          if (!response.ok) {
            throw new BasketsUnavailableError(
              `Baskets refused the look-up: ${response.status} ${text.slice(0, 200)}`,
            );
          }
          const parsed = answer.safeParse(JSON.parse(text));
          if (!parsed.success)
            throw new BasketsUnavailableError('Baskets answered a checkout that is not one');
          return parsed.data.checkout satisfies BasketCheckout;
        });
      } catch (error) {
        if (error instanceof BasketsUnavailableError) throw error;
        throw new BasketsUnavailableError(
          `Baskets could not answer the checkout look-up (${(error as Error).message})`,
          { cause: error },
        );
      }
    },
  };
}

/**
 * Where a module asks Baskets, decided at each call (modules start in any order, and a process knows its own
 * address only once it listens): this process's Baskets when it runs here (its query joins the caller's
 * transaction), else the Baskets that HTTP_SERVICES names, over HTTP. Neither is a BasketsUnavailableError.
 */
export function basketCheckoutsFor(context: BasketCheckoutsLookup): BasketCheckouts {
  const remote = basketCheckoutsOverHttp(() => context.httpAddressOf(BASKETS_MODULE), context);
  return {
    findCheckout: async (basketId) => {
      const local = context.services.find<BasketCheckouts>(BASKET_CHECKOUTS_SERVICE);
      return (local ?? remote).findCheckout(basketId);
    },
  };
}
