import { Code, ConnectError } from '@connectrpc/connect';
import { type ErrorKind, isDomainError } from '../ddd/index.js';

/** Trailers (gRPC) or error metadata (Connect) naming the broken rule and the field, as problem+json does. */
export const ERROR_CODE_HEADER = 'x-error-code';
export const ERROR_FIELD_HEADER = 'x-error-field';

/** The gRPC status of each kind (Connect's `Code`s are the numbers of grpc/status.proto). */
export const grpcCodeOf: Readonly<Record<ErrorKind, Code>> = {
  invalid_argument: Code.InvalidArgument,
  not_found: Code.NotFound,
  already_exists: Code.AlreadyExists,
  permission_denied: Code.PermissionDenied,
  failed_precondition: Code.FailedPrecondition,
  conflict: Code.Aborted, // a concurrency conflict; the client may retry
  internal: Code.Internal,
  unauthenticated: Code.Unauthenticated,
};

/**
 * The one place a failure becomes an RPC status, as `problem.ts` does for HTTP. A DomainError's kind gives the
 * code (`grpcCodeOf`); a ConnectError raised on purpose keeps its own; anything else is an Internal error whose
 * details stay in the server's log, never in the answer.
 */
export function toConnectError(error: unknown, onInternal: (error: unknown) => void): ConnectError {
  if (error instanceof ConnectError) return error;
  if (isDomainError(error) && error.kind !== 'internal') {
    const metadata = new Headers({ [ERROR_CODE_HEADER]: error.code });
    if (error.field) metadata.set(ERROR_FIELD_HEADER, error.field);
    return new ConnectError(error.message, grpcCodeOf[error.kind], metadata, undefined, error);
  }
  onInternal(error);
  return new ConnectError('the server failed to handle the call', Code.Internal);
}
