import { invalidArgument, mapPage } from '@tessera/platform/ddd';
import {
  type HttpServer,
  pageAnswer,
  pageQuery,
  pageRequest,
  problemResponse,
  restRoutes,
} from '@tessera/platform/http';
import { z } from 'zod';
import type { SubscriptionsCommands } from '../../application/leads.js';
import type { UserView } from '../../application/ports.js';
import type { LeadView, SubscriptionsQueries } from '../../application/queries.js';
import type { User } from '../../contract/openapi.gen.js';
import { subscriptionsRoles } from '../../contract/roles.js';
import { type Campaign, endDay } from '../../domain/campaign.js';
import { subscriptionTypeOf } from '../../domain/language.js';
import { ctxOf, openHostAudience } from './open-host.js';

const tags = ['subscriptions'];
const problems = {
  notFound: 'No lead has this ID',
  conflict:
    'The lead is not where this can happen (a lead is lost, a customer churns: see code), or it changed concurrently',
};

const { subscriber, marketer } = subscriptionsRoles;

/** The lead's own record: the id asked for is theirs (their tokens' subject is their lead id). */
const theLeadOrAMarketer = {
  roles: [subscriber, marketer],
  owner: async (request: { params: { leadID: string } }) => request.params.leadID,
};

const leadParams = z.object({ leadID: z.uuid().toLowerCase() });

const newLeadBody = z.strictObject({
  email: z.email().max(254).describe('One lead per email, whatever its case'),
  username: z
    .string()
    .regex(/^[A-Za-z0-9._@-]{3,64}$/, "3 to 64 letters, digits, or '.', '_', '@', '-'")
    .optional()
    .describe('With a password: the login of the lead, who then converts and churns on their own'),
  password: z.string().min(8).max(256).optional(),
});

const conversionBody = z.strictObject({
  subscriptionType: z
    .string()
    .max(100)
    .describe('basic, premium or exclusive; anything else is the unknownSubscriptionType, refused'),
});

const subscriptionType = z.enum(['basic', 'premium', 'exclusive']);
const stage = z.enum(['lead', 'customer', 'churned', 'lostLead']);

const leadResponse = z
  .object({
    lead: z.object({
      leadID: z.uuid(),
      email: z.string(),
      username: z.string().optional(),
      stage,
      createdAt: z.iso.datetime(),
      customer: z
        .object({ userID: z.uuid(), subscriptionType, convertedAt: z.iso.datetime() })
        .optional()
        .describe('Once the lead converted (a churned customer keeps it)'),
      churnedAt: z.iso.datetime().optional(),
      lostAt: z.iso.datetime().optional(),
    }),
  })
  .meta({ id: 'SubscriptionsLead' });

const customerResponse = z
  .object({ customer: z.object({ leadID: z.uuid(), userID: z.uuid(), subscriptionType }) })
  .meta({ id: 'SubscriptionsCustomer' });

/** The published language's User (contract/openapi.yaml), as served: the generated type is its shape. */
const userSchema = z
  .object({
    id: z.uuid(),
    username: z.string().optional(),
    subscriptionStatus: z.boolean(),
    subscriptionType,
    email: z.string(),
  })
  .meta({ id: 'User' }) satisfies z.ZodType<User>;

const usersPage = z
  .object({ users: z.array(userSchema), next: z.string().optional() })
  .meta({ id: 'UsersPage' });

const campaignsPage = z
  .object({
    campaigns: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        goal: z.string(),
        endDate: z.iso.date().describe('The day it ends'),
      }),
    ),
    next: z.string().optional(),
  })
  .meta({ id: 'SubscriptionsCampaigns' });

/** Views map to the wire explicitly, so that a new field never reaches a client by accident. */
const toLeadDto = ({ leadID, email, username, stage, createdAt, customer, churnedAt, lostAt }: LeadView) => ({
  leadID,
  email,
  ...(username !== undefined && { username }),
  stage,
  createdAt,
  ...(customer && { customer }),
  ...(churnedAt !== undefined && { churnedAt }),
  ...(lostAt !== undefined && { lostAt }),
});
const toUser = ({ userID, username, email, subscriptionType, active }: UserView): User => ({
  id: userID,
  ...(username !== undefined && { username }),
  subscriptionStatus: active,
  subscriptionType,
  email,
});
const toCampaignDto = (campaign: Campaign) => ({
  id: campaign.ID,
  title: campaign.Title,
  goal: campaign.Goal,
  endDate: endDay(campaign),
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Subscriptions' REST routes under /api/subscriptions. Anyone signs up (a lead); the lead converts, reads and
 * churns their own; marketers see everyone, record leads without a login, lose leads; other services and
 * marketers read the users of the published language (the open host's route is in open-host.ts).
 */
export function registerSubscriptionsRoutes(
  http: HttpServer,
  { commands, queries }: { commands: SubscriptionsCommands; queries: SubscriptionsQueries },
) {
  const rest = restRoutes(http, { tags, problems });

  rest.post('/api/subscriptions/leads', 'createLead', {
    audience: 'anyone',
    credentials: true,
    summary: 'Sign up: someone new becomes a lead (CreateLead)',
    description:
      'Anyone signs up with an email, a username and a password, and logs in to select a subscription. A marketer ' +
      'recording a lead met elsewhere may leave the login out. An email that signed up already is a 409.',
    body: newLeadBody,
    created: 'Signed up: a lead',
    problems: { 409: problemResponse('Someone signed up with this email already, or the username is taken') },
    handler: async ({ body: { email, username, password }, principal }) => {
      const login = username !== undefined && password !== undefined ? { username, password } : undefined;
      if (!login && (principal === undefined || username !== undefined || password !== undefined)) {
        const missing = username === undefined ? 'username' : 'password';
        // Named where it is missing from: a field the body lacks cannot be found in it.
        throw invalidArgument(
          'login_required',
          'signing up takes a username and a password',
          `body.${missing}`,
        );
      }
      const lead = await commands.CreateLead(ctxOf({ principal }), { email }, login ? { login } : {});
      return { id: lead.id };
    },
  });

  rest.get('/api/subscriptions/leads/:leadID', 'getLead', {
    audience: theLeadOrAMarketer,
    summary: 'A lead and what became of it: a lead, a customer, churned, or a lost lead',
    params: leadParams,
    ok: leadResponse,
    handler: async ({ params }) => ({ lead: toLeadDto(await queries.lead(params.leadID)) }),
  });

  rest.post('/api/subscriptions/leads/:leadID/conversion', 'convertLead', {
    audience: theLeadOrAMarketer,
    summary: 'A lead selects a subscription and becomes a customer (Convert)',
    description:
      'The same selection again answers the same customer; another one is a 409 (already_a_customer). An ' +
      'unknown subscription is a 400 (unknown_subscription_type).',
    params: leadParams,
    body: conversionBody,
    ok: customerResponse,
    problems: {
      409: problemResponse('The lead converted already (to another subscription), churned, or was lost'),
    },
    handler: async (request) => {
      const customer = await commands
        .convertorOf(request.params.leadID)
        .Convert(ctxOf(request), subscriptionTypeOf(request.body.subscriptionType));
      return {
        customer: {
          leadID: customer.LeadID(),
          userID: customer.UserID(),
          subscriptionType: customer.subscriptionType,
        },
      };
    },
  });

  rest.post('/api/subscriptions/leads/:leadID/churn', 'churnCustomer', {
    audience: theLeadOrAMarketer,
    summary: 'The customer leaves: churned (again: nothing changes)',
    params: leadParams,
    noContent: 'The customer has churned',
    handler: (request) => commands.churn(ctxOf(request), request.params.leadID),
  });

  rest.post('/api/subscriptions/leads/:leadID/loss', 'loseLead', {
    audience: { roles: [marketer] },
    summary: 'The lead will not convert: a lost lead (again: nothing changes)',
    params: leadParams,
    noContent: 'The lead is lost',
    handler: (request) => commands.loseLead(ctxOf(request), request.params.leadID),
  });

  rest.get('/api/subscriptions/users', 'getUsers', {
    audience: openHostAudience,
    summary: 'Return details about all users (the published language’s getUsers), a page at a time',
    description: 'Every customer, churned ones too, by user ID. Published in contract/openapi.yaml.',
    querystring: z.object(pageQuery),
    ok: usersPage,
    handler: async ({ query }) =>
      pageAnswer('users', mapPage(await queries.users(pageRequest(query, 1)), toUser)),
  });

  rest.get('/api/subscriptions/campaigns', 'getCampaigns', {
    audience: { roles: [marketer] },
    summary: 'The marketing campaigns that reached subscriptions, in its own words; soonest ending first',
    querystring: z.object(pageQuery),
    ok: campaignsPage,
    handler: async ({ query }) => {
      const page = await queries.campaigns(pageRequest(query, 2, ([day]) => DAY.test(day!)));
      return pageAnswer('campaigns', mapPage(page, toCampaignDto));
    },
  });
}
