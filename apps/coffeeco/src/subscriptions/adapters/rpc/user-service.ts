import { DomainError, invalidArgument, isDomainError } from '@tessera/platform/ddd';
import { only, serviceRole } from '@tessera/platform/identity';
import type { RpcRegistrar } from '@tessera/platform/rpc';
import type { SubscriptionsCommands } from '../../application/leads.js';
import { UserService } from '../../contract/gen/user/v1/user_pb.js';

/**
 * The gRPC form of the published language (user.v1.UserService, PL-5) over Connect, for other services (their
 * service token; and operators): CreateUser creates a lead. The generated messages stop here: the application
 * hears the book's CreateLead with a LeadRequest, never a protobuf type (PL-T3).
 */
export function registerUserServiceRpc(
  rpc: RpcRegistrar,
  commands: Pick<SubscriptionsCommands, 'CreateLead'>,
) {
  rpc.service(
    UserService,
    {
      async createUser({ user }, context) {
        if (!user) throw invalidArgument('user_required', 'a user is required', 'user');
        if (user.id !== 0n) {
          throw invalidArgument('user_id_assigned', 'the id is assigned by subscriptions: send 0', 'user.id');
        }
        const ctx = { signal: context.signal, values: new Map() };
        const options = user.username === '' ? {} : { username: user.username };
        try {
          await commands.CreateLead(ctx, { email: user.email }, options);
        } catch (error) {
          // The application names its own fields; the caller finds them inside its `user`.
          if (isDomainError(error) && error.field !== undefined) {
            throw new DomainError(error.kind, error.code, error.message, `user.${error.field}`);
          }
          throw error;
        }
        return { success: true };
      },
    },
    { audience: only(serviceRole) },
  );
}
