import { type Module, parseEnv } from '@tessera/platform/runtime';
import { z } from 'zod';
import { registerPartnershipsRoutes } from './adapters/http/routes.js';
import { availableHotels, failureSchedule } from './domain/hotels.js';

const settings = z.object({
  PARTNERSHIPS_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0.2),
  PARTNERSHIPS_SEED: z.coerce.number().int().min(0).default(2023),
});

export interface PartnershipsModuleOptions {
  /** Share of calls that fail with a 500; unset, PARTNERSHIPS_FAILURE_RATE (default 0.2, the book's). */
  failureRate?: number;
  /** The failure schedule's seed; unset, PARTNERSHIPS_SEED (default 2023): the same seed, the same failures. */
  seed?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Partnerships: a stand-in for the hotel partner CoffeeCo's trip recommendations ask. It is not ours, and it is
 * flaky on purpose, so that the recommendations show how they survive a partner that fails.
 */
export function createPartnershipsModule(options: PartnershipsModuleOptions = {}): Module {
  return {
    name: 'partnerships',
    description:
      'Partnerships: a hotel partner’s availability (a stub that fails a share of calls on purpose)',
    migrations: [],
    async start({ http }) {
      const set = parseEnv(settings, options.env ?? process.env);
      const failsNow = failureSchedule(
        options.failureRate ?? set.PARTNERSHIPS_FAILURE_RATE,
        options.seed ?? set.PARTNERSHIPS_SEED,
      );
      registerPartnershipsRoutes(http, { hotels: () => availableHotels, failsNow });
      return {};
    },
  };
}

export const partnershipsModule = createPartnershipsModule();
