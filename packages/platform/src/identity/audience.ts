import type { FastifyRequest } from 'fastify';
import { isOperator, OPERATOR_ROLE, type Principal, SERVICE_ROLE } from './principal.js';

/**
 * A role an application declares. `own: true` makes it see and change only what it owns (a customer, an
 * applicant): a route that admits it says how to find the owner of what is asked for.
 */
export interface Role {
  readonly name: string;
  readonly description: string;
  readonly own?: boolean;
}

/** Declares an application's roles, one line each: `defineRoles({ customer: { description, own: true } })`. */
export function defineRoles<const Names extends string>(
  roles: Record<Names, Omit<Role, 'name'> & { name?: string }>,
): Record<Names, Role> {
  return Object.fromEntries(
    Object.entries<Omit<Role, 'name'> & { name?: string }>(roles).map(([key, role]) => [
      key,
      { ...role, name: role.name ?? kebab(key) },
    ]),
  ) as Record<Names, Role>;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/**
 * Who may call a route, declared next to its schema. `'anyone'`: no credential needed (registration, health,
 * the docs). Otherwise the roles admitted (the operator always is); for a role that sees only its own,
 * `owner` finds whom the resource asked for belongs to (undefined when there is no such resource: the route
 * then answers as it does for anyone, usually 404).
 */
export type Audience =
  | 'anyone'
  | {
      readonly roles: readonly Role[];
      readonly owner?: (request: FastifyRequest) => Promise<string | undefined>;
    };

export const anyone: Audience = 'anyone';

/** The modules themselves, calling each other over RPC or the identity provider: `only(serviceRole)`. */
export const serviceRole: Role = {
  name: SERVICE_ROLE,
  description: 'The modules themselves (and what the platform runs beside them), with a client credential',
};

/** Operators only: the system's own controls (dead letters, lag). */
export const operators: Audience = { roles: [] };

/** The roles given, none of them restricted to its own (see `Audience` for routes with owners). */
export const only = (...roles: Role[]): Audience => ({ roles });

export type Access = 'allowed' | 'unauthenticated' | 'forbidden';

/**
 * Whether `principal` may call a route for `audience`, before any owner is looked up: the roles it holds that
 * the route admits. `ownOnly` is true when every admitting role sees only its own.
 */
export function admits(
  audience: Audience,
  principal: Principal | undefined,
): { access: Access; ownOnly: boolean } {
  if (audience === 'anyone') return { access: 'allowed', ownOnly: false };
  if (!principal) return { access: 'unauthenticated', ownOnly: false };
  if (isOperator(principal)) return { access: 'allowed', ownOnly: false };
  const admitting = audience.roles.filter((role) => principal.roles.includes(role.name));
  if (admitting.length === 0) return { access: 'forbidden', ownOnly: false };
  return { access: 'allowed', ownOnly: admitting.every((role) => role.own === true) };
}

/** The role names an audience admits, for the OpenAPI document (the operator is always among them). */
export const roleNames = (audience: Audience) =>
  audience === 'anyone' ? [] : [...audience.roles.map((role) => role.name), OPERATOR_ROLE];
