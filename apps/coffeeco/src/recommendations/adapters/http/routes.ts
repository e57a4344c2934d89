import { errorHandler, type HttpServer, problem, problemResponse, sendProblem } from '@tessera/platform/http';
import { anyone } from '@tessera/platform/identity';
import { z } from 'zod';
import { type TripRecommendations, unavailabilityIn } from '../../application/trip-recommendations.js';
import { Money } from '../../domain/money.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A calendar date, `YYYY-MM-DD`, as UTC midnight; undefined for one that is not (2023-1-1, 2023-02-30). */
const utcDate = (value: string): Date | undefined => {
  const date = new Date(`${value}T00:00:00Z`);
  return ISO_DATE.test(value) && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
    ? date
    : undefined;
};
const calendarDate = z.string().refine((value) => utcDate(value) !== undefined, 'must be a date, YYYY-MM-DD');

const recommendationQuery = z
  .object({
    location: z.string().regex(/\S/, 'must not be blank').max(200).describe('Where the trip goes'),
    from: calendarDate.describe('The first night, YYYY-MM-DD (UTC)'),
    to: calendarDate.describe('The day of departure, YYYY-MM-DD (UTC), after `from`'),
    budget: z
      .string()
      .regex(/^\d{1,12}$/, 'must be a whole number of cents')
      .describe('The most the whole stay may cost, in US cents (25000 is $250.00)'),
  })
  .refine(
    ({ from, to }) => {
      const start = utcDate(from);
      const end = utcDate(to);
      return !start || !end || end > start;
    },
    { path: ['to'], message: 'must be after from' },
  );

const recommendationDto = z
  .object({
    hotelName: z.string(),
    location: z.string(),
    tripStart: z.string().describe('YYYY-MM-DD'),
    tripEnd: z.string().describe('YYYY-MM-DD'),
    totalCost: z.object({
      cost: z.number().int().describe('The whole stay, in minor units (cents)'),
      currency: z.string(),
    }),
    availabilityAsOf: z
      .string()
      .describe(
        "When the partner gave the availability: now, or its last good answer's time when it is down",
      ),
    stale: z.boolean().describe('The partner could not answer now: its last good answer stood in (see Age)'),
  })
  .meta({ id: 'TripRecommendation', description: 'The cheapest hotel stay within the budget' });

/**
 * `GET /api/recommendations`: the cheapest stay within a budget (RS-1). Anyone may ask: it reads nothing
 * personal, and needs no identity provider to be up (MS-1). A stale answer says so in its body and in `Age`
 * and `Warning`; no answer at all, because the partner is down and nothing is remembered, is a 503 with
 * `Retry-After`.
 */
export function registerRecommendationRoutes(http: HttpServer, trips: TripRecommendations) {
  // A scope of their own: its error handler answers the partner's unavailability, and nothing else differs.
  http.register(async (plugin) => {
    const scope = plugin as unknown as HttpServer;
    scope.setErrorHandler((error: Parameters<typeof errorHandler>[0], request, reply) => {
      const unavailable = unavailabilityIn(error);
      if (!unavailable) return errorHandler(error, request, reply);
      request.log.warn({ err: error }, 'the hotel partner cannot answer, and nothing is remembered');
      reply.header('retry-after', String(unavailable.retryAfterSeconds));
      return sendProblem(
        reply,
        problem(503, 'hotel availability cannot be had now: try again after Retry-After seconds', {
          code: 'partner_unavailable',
          instance: request.url,
        }),
      );
    });
    scope.route({
      method: 'GET',
      url: '/api/recommendations',
      config: { audience: anyone },
      schema: {
        tags: ['recommendations'],
        operationId: 'getTripRecommendation',
        summary: 'The cheapest hotel for a trip within a budget',
        querystring: recommendationQuery,
        response: {
          200: recommendationDto,
          400: problemResponse(
            'A parameter is missing or malformed (see errors: the field and what is wrong)',
          ),
          404: problemResponse('No hotel fits the budget (code no_trips_within_budget)'),
          503: problemResponse(
            'The hotel partner cannot answer now and no earlier answer is remembered (Retry-After)',
          ),
        },
      },
      handler: async (request, reply) => {
        const query = request.query as z.output<typeof recommendationQuery>;
        const { recommendation, availabilityAsOf, stale } = await trips.recommend({
          location: query.location,
          tripStart: utcDate(query.from) as Date,
          tripEnd: utcDate(query.to) as Date,
          budget: Money.of(Number(query.budget), 'USD'),
        });
        if (stale) {
          const age = Math.max(0, Math.floor((Date.now() - availabilityAsOf.getTime()) / 1000));
          reply.header('age', String(age)).header('warning', '110 - "Response is Stale"');
        }
        return {
          hotelName: recommendation.HotelName,
          location: recommendation.Location,
          tripStart: query.from,
          tripEnd: query.to,
          totalCost: { cost: recommendation.TripPrice.Amount(), currency: recommendation.TripPrice.currency },
          availabilityAsOf: availabilityAsOf.toISOString(),
          stale,
        };
      },
    });
  });
}
