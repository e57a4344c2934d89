/**
 * Typed domain errors. The kind says what went wrong in the domain's words; each transport maps it to its own
 * status (`httpStatusOf` in the http part, `grpcCodeOf` in the rpc part, a Failure reply in messaging), so the
 * domain never speaks transport. The code names the rule that was broken, for clients and tests to match on.
 */
export const ERROR_KINDS = [
  'invalid_argument',
  'not_found',
  'already_exists',
  'failed_precondition',
  'conflict',
  'unauthenticated',
  'permission_denied',
  'internal',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    /** The input field the rule is about, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalidArgument = (code: string, message: string, field?: string) =>
  new DomainError('invalid_argument', code, message, field);
export const notFound = (code: string, message: string) => new DomainError('not_found', code, message);
export const alreadyExists = (code: string, message: string, field?: string) =>
  new DomainError('already_exists', code, message, field);
export const failedPrecondition = (code: string, message: string, field?: string) =>
  new DomainError('failed_precondition', code, message, field);
export const conflict = (code: string, message: string) => new DomainError('conflict', code, message);
export const unauthenticated = (code: string, message: string) =>
  new DomainError('unauthenticated', code, message);
export const permissionDenied = (code: string, message: string) =>
  new DomainError('permission_denied', code, message);

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
