import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { mapPage } from '../../ddd/index.js';
import { nextPage, pageAnswer, pageQuery, pageRequest } from '../../http/paging.js';
import { problemResponse } from '../../http/problem.js';
import type { HttpServer } from '../../http/server.js';
import { operators, type Role } from '../audience.js';
import { OPERATOR_ROLE, SERVICE_ROLE } from '../principal.js';
import { type IdentityProvider, MAX_PASSWORD } from './provider.js';

/**
 * The roles an operator may give staff: those the applications declare (`Module.roles`) that are not restricted
 * to their own (a customer's account is opened by the module that knows the customer), never the operator's or
 * the services' own. Each name once (two applications may declare the same role).
 */
export const staffRoleNames = (roles: readonly Role[]): string[] =>
  [...new Set(roles.filter((role) => !role.own).map((role) => role.name))]
    .filter((name) => name !== OPERATOR_ROLE && name !== SERVICE_ROLE)
    .sort();

const staffAccount = z.object({
  subject: z.string().describe('The id their tokens name (sub), made for them'),
  username: z.string(),
  roles: z.array(z.string()),
});

/**
 * Staff accounts (ADR 0040): an operator opens a login for a store manager or depot staff, with the roles the
 * applications declare for staff, and lists who holds them. The subject is made here: staff are not a
 * customer or an applicant that a module knows by an id of its own.
 */
export function registerStaffRoutes(
  http: HttpServer,
  provider: IdentityProvider,
  roles: readonly Role[],
  tag: string,
) {
  const names = staffRoleNames(roles);
  const roleSchema = names.length > 0 ? z.enum(names as [string, ...string[]]) : z.never();
  const taken = problemResponse('The username is taken (code username_taken, naming the field)');
  http.post(
    '/identity/staff',
    {
      config: { audience: operators },
      schema: {
        tags: [tag],
        summary: "Open a staff member's account (operators): a login with the applications' staff roles",
        description: `The roles an operator may give: ${names.join(', ') || 'none (no application declares one)'}.`,
        body: z
          .object({
            // The provider's own rules say what a username and a password must be (invalid_username,
            // weak_password): only a bound here.
            username: z.string().max(64).describe('3 to 64 letters, digits, or . _ @ -'),
            password: z.string().max(MAX_PASSWORD).describe('8 characters or more'),
            roles: z.array(roleSchema).min(1, 'choose at least one role').max(16),
          })
          .strict(),
        response: { 201: staffAccount, 409: taken },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const account = {
        subject: `staff:${randomUUID()}`,
        username,
        roles: [...new Set(request.body.roles)].sort(),
      };
      await provider.accounts.register({ ...account, password });
      return reply.status(201).send(account);
    },
  );
  http.get(
    '/identity/staff',
    {
      config: { audience: operators },
      schema: {
        tags: [tag],
        summary: 'The staff accounts (operators): who holds a staff role, by username, a page at a time',
        querystring: z.object(pageQuery).strict(),
        response: { 200: z.object({ staff: z.array(staffAccount), next: nextPage }) },
      },
    },
    async (request) =>
      pageAnswer(
        'staff',
        mapPage(
          await provider.accountsWithAnyRole(
            names,
            pageRequest(request.query, 1, ([username]) => username!.length <= 64),
          ),
          ({ subject, username, roles: held }) => ({ subject, username, roles: held }),
        ),
      ),
  );
}
