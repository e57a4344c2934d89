import type { DescService, MessageShape } from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  createContextKey,
  type HandlerContext,
  type Interceptor,
} from '@connectrpc/connect';
import {
  admits,
  InvalidTokenError,
  type Principal,
  type Role,
  type TokenVerifier,
} from '../identity/index.js';
import { ERROR_CODE_HEADER } from './errors.js';

/** Any input message of a service's methods. */
export type RpcInput<Service extends DescService> = {
  [Method in keyof Service['method']]: MessageShape<Service['method'][Method]['input']>;
}[keyof Service['method']];

/**
 * Who may call a Connect service, declared where the module offers it, as a route declares its audience:
 * `'anyone'` (`anyone`), or the roles admitted (`only(...)`, `operators`); the operator always is. A role that
 * sees only its own (`own: true`, a robot) needs `owner`: whose each message is (a robot's `bot_id`), compared
 * with the caller's subject; undefined when the message names no one (the handler answers it, usually
 * INVALID_ARGUMENT).
 */
export interface RpcAccess<Service extends DescService = DescService> {
  readonly audience: 'anyone' | { readonly roles: readonly Role[] };
  readonly owner?: (message: RpcInput<Service>) => string | undefined;
}

/** Who is calling, as the authorizing interceptor found it: what `principalOf` reads in a handler. */
const PRINCIPAL = createContextKey<Principal | undefined>(undefined, { description: 'the caller' });

/** Who is calling a handler (undefined for an anonymous caller of a service open to anyone). */
export const principalOf = (context: Pick<HandlerContext, 'values'>): Principal | undefined =>
  context.values.get(PRINCIPAL);

/** A service's declaration, checked when it is registered: a mistake stops the server from starting. */
export function checkAccess(
  service: DescService,
  access: RpcAccess | undefined,
  verifier: TokenVerifier | undefined,
) {
  const name = service.typeName;
  if (!access || access.audience === undefined) {
    throw new Error(`the RPC service ${name} declares no audience`);
  }
  if (access.audience === 'anyone') return;
  if (!verifier) {
    throw new Error(`the RPC service ${name} admits some roles, and the RPC server has no token verifier`);
  }
  if (access.audience.roles.some((role) => role.own) && !access.owner) {
    throw new Error(`the RPC service ${name} admits a role that sees only its own, and says not whose`);
  }
}

const refusal = (message: string, code: Code, reason: string) =>
  new ConnectError(message, code, new Headers({ [ERROR_CODE_HEADER]: reason }));

/** The bearer token of `authorization: Bearer <token>`; '' for a malformed one; undefined for none. */
function bearerOf(header: string | null): string | undefined {
  if (header === null || !/^Bearer(\s|$)/i.test(header)) return undefined;
  return /^Bearer\s+([\w.~+/-]+=*)\s*$/i.exec(header)?.[1] ?? '';
}

/**
 * Authenticates every call from its `authorization: Bearer` metadata with the verifier HTTP uses, and checks it
 * against its service's access: UNAUTHENTICATED without a good token, PERMISSION_DENIED without an admitting
 * role (`forbidden`) or for a message owned by someone else (`not_yours`: each message of a stream, before the
 * handler sees it). The handler finds the caller with `principalOf`.
 */
export function authorizing(
  verifier: TokenVerifier | undefined,
  accessOf: (service: string) => RpcAccess | undefined,
): Interceptor {
  return (next) => async (request) => {
    const access = accessOf(request.service.typeName);
    // Unreachable: a service is registered with its access, and the router answers no other.
    if (!access) throw refusal('this service declares no audience', Code.PermissionDenied, 'forbidden');
    let principal: Principal | undefined;
    // A server without a verifier serves only services open to anyone: it reads no token.
    const token = verifier ? bearerOf(request.header.get('authorization')) : undefined;
    if (verifier && token !== undefined) {
      try {
        principal = await verifier.verify(token);
      } catch (error) {
        if (!(error instanceof InvalidTokenError)) throw error;
        throw refusal(error.message, Code.Unauthenticated, 'invalid_token');
      }
    }
    const { access: verdict, ownOnly } = admits(access.audience, principal);
    if (verdict === 'unauthenticated') {
      throw refusal(
        'this service needs a credential: authorization: Bearer <token>',
        Code.Unauthenticated,
        'unauthenticated',
      );
    }
    if (verdict === 'forbidden') {
      throw refusal('your roles do not admit this service', Code.PermissionDenied, 'forbidden');
    }
    request.contextValues.set(PRINCIPAL, principal);
    const owner = ownOnly ? access.owner : undefined;
    if (!owner || !principal) return next(request);
    const check = (message: unknown) => {
      const whose = owner(message as RpcInput<DescService>);
      if (whose !== undefined && whose !== principal.subject) {
        throw refusal('this belongs to someone else', Code.PermissionDenied, 'not_yours');
      }
    };
    if (!request.stream) {
      check(request.message);
      return next(request);
    }
    const messages = request.message;
    return next({
      ...request,
      message: (async function* () {
        for await (const message of messages) {
          check(message);
          yield message;
        }
      })(),
    });
  };
}
