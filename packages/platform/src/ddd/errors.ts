/**
 * Typed domain errors. The kind decides the HTTP status and the gRPC code, so the domain never speaks
 * transport; the code names the rule that was broken, for clients and tests to match on.
 */
export type ErrorKind =
  | 'invalid_argument'
  | 'not_found'
  | 'already_exists'
  | 'failed_precondition'
  | 'conflict'
  | 'unauthenticated'
  | 'permission_denied'
  | 'internal';

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
export const alreadyExists = (code: string, message: string) =>
  new DomainError('already_exists', code, message);
export const failedPrecondition = (code: string, message: string, field?: string) =>
  new DomainError('failed_precondition', code, message, field);
export const conflict = (code: string, message: string) => new DomainError('conflict', code, message);
export const unauthenticated = (code: string, message: string) =>
  new DomainError('unauthenticated', code, message);
export const permissionDenied = (code: string, message: string) =>
  new DomainError('permission_denied', code, message);

/** The HTTP status of each kind. A failed precondition is a client error the client can see and fix: 400. */
export const httpStatusOf: Record<ErrorKind, number> = {
  invalid_argument: 400,
  failed_precondition: 400,
  not_found: 404,
  already_exists: 409,
  conflict: 409,
  unauthenticated: 401,
  permission_denied: 403,
  internal: 500,
};

/** gRPC status codes (numbers as in grpc/status.proto). */
export const grpcCodeOf: Record<ErrorKind, number> = {
  invalid_argument: 3,
  not_found: 5,
  already_exists: 6,
  permission_denied: 7,
  failed_precondition: 9,
  conflict: 10, // ABORTED: a concurrency conflict; the client may retry
  internal: 13,
  unauthenticated: 16,
};

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
