/**
 * Who is calling: a person (customer, staff, operator), a robot, or a service (another module). `subject` is
 * the token's `sub`: for the built-in provider's people it is the application's own id for them (e.g. the
 * customer's id), so that "only their own" is a comparison with the resource's owner.
 */
export interface Principal {
  readonly subject: string;
  /** People log in with a password; robots and services with a client credential. */
  readonly kind: 'person' | 'client';
  readonly roles: readonly string[];
  /** The login name, for logs and pages (never personal data beyond it). */
  readonly name?: string;
  /** The session the token belongs to (the built-in provider's `sid`): what revocation ends. */
  readonly session?: string;
  /** A web session's CSRF token: its changes must echo it (identity/authentication.ts). */
  readonly csrf?: string;
}

/** The superuser: every route of every application accepts it (scripts, tests and a first look use it). */
export const OPERATOR_ROLE = 'operator';
/** The modules themselves when they call each other. */
export const SERVICE_ROLE = 'service';

export const isOperator = (principal: Principal | undefined) =>
  principal?.roles.includes(OPERATOR_ROLE) === true;
