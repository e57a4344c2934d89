import { type Module, parseEnv } from '@tessera/platform/runtime';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { z } from 'zod';
import { registerRecommendationRoutes } from './adapters/http/routes.js';
import {
  PartnershipAdaptor,
  type PartnershipResilience,
} from './adapters/partnerships/partnership-adaptor.js';
import { postgresLastGoodAvailability } from './adapters/postgres/last-good-availability.js';
import { tripRecommendations } from './application/trip-recommendations.js';

export const RECOMMENDATIONS_SCHEMA = 'coffeeco_recommendations';
/** The partner stub's module: where PARTNERSHIPS_URL points unless set. */
const PARTNER_MODULE = 'partnerships';

const settings = z.object({
  // The partner's base URL, e.g. http://partner.example/coffeeco/api. Unset: the partnerships stub of this
  // system, wherever it runs (this process, or the one HTTP_SERVICES names).
  PARTNERSHIPS_URL: z
    .string()
    .refine(
      (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
      'must be an http(s) URL',
    )
    .optional(),
});

export interface RecommendationsModuleOptions {
  /** The partner's base URL; unset, PARTNERSHIPS_URL, else the partnerships stub of this system. */
  partnershipsUrl?: string;
  /** How hard the partnership adaptor tries (tests make the waits short). */
  resilience?: PartnershipResilience;
  /** The recommendations' clock (tests set it). */
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
}

/**
 * Trip recommendations: the cheapest hotel for a coffee lover's trip within a budget, from a hotel partner
 * reached through an anti-corruption layer that survives the partner's failures (§A.12, ADR 0032).
 */
export function createRecommendationsModule(options: RecommendationsModuleOptions = {}): Module {
  return {
    name: 'recommendations',
    description: 'Trip recommendations: the cheapest hotel within a budget, from a flaky hotel partner',
    migrations: [sqlMigrationSet(RECOMMENDATIONS_SCHEMA, new URL('./migrations/', import.meta.url))],
    async start({ db, http, httpAddressOf }) {
      const set = parseEnv(settings, options.env ?? process.env);
      const configured = options.partnershipsUrl ?? set.PARTNERSHIPS_URL;
      // Asked at each call: this process listens, and so knows its own address, only after its modules start.
      const partnerBase = () => {
        if (configured) return configured;
        const stub = httpAddressOf(PARTNER_MODULE);
        return stub === undefined ? undefined : `${stub}/api`;
      };
      const trips = tripRecommendations({
        partner: new PartnershipAdaptor(partnerBase, options.resilience),
        lastGood: postgresLastGoodAvailability(db),
        now: options.now ?? (() => new Date()),
      });
      registerRecommendationRoutes(http, trips);
      return {};
    },
  };
}

export const recommendationsModule = createRecommendationsModule();
