import { type HttpServer, restRoutes } from '@tessera/platform/http';
import { z } from 'zod';
import { lcApplicationsRoles } from '../../../lc-applications/contract/roles.js';
import type { SanctionsCommands } from '../../application/commands.js';
import type { SanctionsQueries } from '../../application/queries.js';
import { sanctionsRoles } from '../../contract/roles.js';

const tags = ['sanctions'];
const problems = {
  badRequest: 'The country code is not one: two letters (ISO 3166-1 alpha-2)',
  notFound: 'The country is not on the sanctions list',
  conflict: 'The list changed at the same moment: try again',
};

/** Codes are two letters, taken in either case and kept in capitals (as ISO 3166 writes them). */
const countryParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be a two-letter country code (ISO 3166-1 alpha-2)')
    .toUpperCase()
    .describe('ISO 3166-1 alpha-2, e.g. XS (the book’s Sokovia, a user-assigned code)'),
});

const listResponse = z
  .object({
    countries: z.array(z.string()).describe('Alphabetical, each once'),
    version: z
      .number()
      .int()
      .describe('Grows by one at each change: the version each published copy carries'),
    changedAt: z.iso.datetime(),
  })
  .meta({ id: 'SanctionsList' })
  .describe('The countries trade with which is prohibited');

const { sanctionsOfficer } = sanctionsRoles;

/**
 * The sanctions list under /api/sanctions: the list as a whole (one resource at one version, never torn
 * across pages: a few hundred codes at most), and a country sanctioned or lifted at a time.
 */
export function registerSanctionsRoutes(
  http: HttpServer,
  { commands, queries }: { commands: SanctionsCommands; queries: SanctionsQueries },
) {
  const rest = restRoutes(http, { tags, problems });

  rest.get('/api/sanctions/countries', 'getSanctionsList', {
    audience: { roles: [sanctionsOfficer, lcApplicationsRoles.tradeFinanceManager] },
    summary: 'The sanctioned countries, with the list’s version',
    ok: listResponse,
    handler: async () => {
      const { countries, version, changedAt } = await queries.current();
      return { countries: [...countries], version, changedAt };
    },
  });

  rest.put('/api/sanctions/countries/:code', 'sanctionCountry', {
    audience: { roles: [sanctionsOfficer] },
    summary: 'Sanction a country: trade with it is prohibited (again: nothing changes)',
    description: 'Each change publishes the new whole list (sanctions.SanctionsListChanged).',
    params: countryParams,
    noContent: 'The country is on the list',
    handler: ({ params }) => commands.sanction({ country: params.code }),
  });

  rest.delete('/api/sanctions/countries/:code', 'liftSanction', {
    audience: { roles: [sanctionsOfficer] },
    summary: 'Lift a country’s sanction: trade with it is allowed again',
    description: 'Each change publishes the new whole list (sanctions.SanctionsListChanged).',
    params: countryParams,
    noContent: 'The country is off the list',
    handler: ({ params }) => commands.lift({ country: params.code }),
  });
}
