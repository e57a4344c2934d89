import { type HttpServer, PROBLEM_CONTENT_TYPE, problem, problemSchema } from '@tessera/platform/http';
import { anyone } from '@tessera/platform/identity';
import { z } from 'zod';
import type { AvailableHotel } from '../../domain/hotels.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD');

const availabilityQuery = z.object({
  location: z.string().min(1).describe('Where the trip goes'),
  from: isoDate.describe('First night, YYYY-MM-DD'),
  to: isoDate.describe('Day of departure, YYYY-MM-DD'),
});

const availability = z
  .object({
    availableHotels: z.array(
      z.object({ name: z.string(), priceInUSDPerNight: z.number().int().describe('Whole US dollars') }),
    ),
  })
  .meta({ id: 'PartnershipsAvailability' });

/**
 * The partner's API as the partner publishes it: `GET /api/partnerships?location=&from=&to=`, answering its
 * hotels, or a 500 on the calls its failure schedule picks (the book's stub fails one call in five).
 */
export function registerPartnershipsRoutes(
  http: HttpServer,
  partner: { hotels: () => readonly AvailableHotel[]; failsNow: () => boolean },
) {
  http.route({
    method: 'GET',
    url: '/api/partnerships',
    config: { audience: anyone },
    schema: {
      tags: ['partnerships'],
      operationId: 'getPartnershipsAvailability',
      summary:
        'Hotels available at a location between two dates (a partner’s stub: fails some calls on purpose)',
      querystring: availabilityQuery,
      response: {
        200: availability,
        400: problemSchema.describe('A parameter is missing or malformed'),
        500: problemSchema.describe('The partner failed (on purpose, as a flaky partner does)'),
      },
    },
    handler: async (_request, reply) => {
      if (partner.failsNow()) {
        return reply
          .status(500)
          .type(PROBLEM_CONTENT_TYPE)
          .send(problem(500, 'The partner failed to answer (a planned failure of the stub)'));
      }
      return { availableHotels: [...partner.hotels()] };
    },
  });
}
