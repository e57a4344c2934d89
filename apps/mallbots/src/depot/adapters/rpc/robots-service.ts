import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import { invalidArgument } from '@tessera/platform/ddd';
import { only } from '@tessera/platform/identity';
import type { Logger } from '@tessera/platform/observability';
import type { RpcRegistrar } from '@tessera/platform/rpc';
import type { BotInstruction, ItemOutcome, RobotOperations } from '../../application/robot-operations.js';
import {
  type Instruction,
  InstructionSchema,
  ItemOutcome as ProtoOutcome,
  RobotService,
} from '../../contract/gen/mallbots/depot/v1/robots_pb.js';
import { depotRoles } from '../../contract/roles.js';

const MAX_TEXT = 1000;

/** A required text field, named as the contract names it (`bot_id`), so the bot's developer finds it. */
function required(value: string, field: string): string {
  const text = value.trim();
  if (text === '') throw invalidArgument(`${field}_blank`, `${field} must not be blank`, field);
  if (text.length > MAX_TEXT) {
    throw invalidArgument(`${field}_too_long`, `${field} is longer than ${MAX_TEXT} characters`, field);
  }
  return text;
}

function outcomeOf(outcome: ProtoOutcome): ItemOutcome {
  if (outcome === ProtoOutcome.PICKED) return 'picked';
  if (outcome === ProtoOutcome.UNAVAILABLE) return 'unavailable';
  throw invalidArgument(
    'outcome_unspecified',
    'outcome must be ITEM_OUTCOME_PICKED or ITEM_OUTCOME_UNAVAILABLE',
    'outcome',
  );
}

const protoOutcome = (outcome: ItemOutcome | undefined) =>
  outcome === 'picked'
    ? ProtoOutcome.PICKED
    : outcome === 'unavailable'
      ? ProtoOutcome.UNAVAILABLE
      : ProtoOutcome.UNSPECIFIED;

export function toInstruction(instruction: BotInstruction): Instruction {
  switch (instruction.kind) {
    case 'wait':
      return create(InstructionSchema, { kind: { case: 'wait', value: {} } });
    case 'shop':
      return create(InstructionSchema, {
        kind: {
          case: 'shop',
          value: {
            shoppingListId: instruction.shoppingListId,
            orderId: instruction.orderId,
            stops: instruction.stops.map((stop) => ({
              storeId: stop.storeId,
              storeName: stop.storeName,
              storeLocation: stop.storeLocation,
              items: stop.items.map((item) => ({
                productId: item.productId,
                productName: item.productName,
                quantity: item.quantity,
                outcome: protoOutcome(item.outcome),
              })),
            })),
          },
        },
      });
    case 'return':
      return create(InstructionSchema, {
        kind: { case: 'return', value: { shoppingListId: instruction.shoppingListId } },
      });
    case 'recall':
      return create(InstructionSchema, {
        kind: {
          case: 'recall',
          value: { shoppingListId: instruction.shoppingListId, reason: instruction.reason },
        },
      });
  }
}

/**
 * The robots' API: translation between the contract and `RobotOperations`, nothing else. A stream is one
 * connection of one bot: it sends the current instruction, then each different one after a wake-up from
 * `watch`, and however it ends (the bot goes, the server stops, a failure) the bot is disconnected.
 */
export interface RobotsRpcOptions {
  /** How often an open stream tells the depot its bot is still there (see RobotOperations.heartbeat). */
  readonly heartbeatMs: number;
}

export function robotsService(
  robots: RobotOperations,
  logger?: Logger,
  options: RobotsRpcOptions = { heartbeatMs: 10_000 },
): ServiceImpl<typeof RobotService> {
  return {
    async *connect(request, context) {
      const botId = required(request.botId, 'bot_id');
      const name = required(request.name, 'name');
      const session = randomUUID();
      const { signal } = context;
      let changed = true; // A change between `connect` and `watch` starting is read once after it starts.
      let wake: (() => void) | undefined;
      const onChange = () => {
        changed = true;
        wake?.();
      };
      const onAbort = () => wake?.();

      const first = await robots.connect({ botId, name, session });
      let sent = JSON.stringify(first);
      let stopWatching: (() => Promise<void>) | undefined;
      signal.addEventListener('abort', onAbort, { once: true });
      const heartbeat = setInterval(() => {
        robots
          .heartbeat({ botId, session })
          .catch((error: unknown) => logger?.warn({ err: error, botId }, 'a bot heartbeat failed'));
      }, options.heartbeatMs);
      heartbeat.unref();
      try {
        stopWatching = await robots.watch(botId, onChange);
        yield { instruction: toInstruction(first) };
        while (!signal.aborted) {
          if (!changed) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = undefined;
            continue;
          }
          changed = false;
          const instruction = await robots.instruction(botId);
          const serialized = JSON.stringify(instruction);
          if (serialized === sent) continue;
          sent = serialized;
          yield { instruction: toInstruction(instruction) };
        }
      } finally {
        clearInterval(heartbeat);
        signal.removeEventListener('abort', onAbort);
        await stopWatching?.().catch((error: unknown) =>
          logger?.warn({ err: error, botId }, 'stopping the watch of a bot failed'),
        );
        await robots
          .disconnect({ botId, session })
          .catch((error: unknown) => logger?.error({ err: error, botId }, 'disconnecting a bot failed'));
      }
    },

    async reportItem(request) {
      const instruction = await robots.reportItem({
        botId: required(request.botId, 'bot_id'),
        shoppingListId: required(request.shoppingListId, 'shopping_list_id'),
        storeId: required(request.storeId, 'store_id'),
        productId: required(request.productId, 'product_id'),
        outcome: outcomeOf(request.outcome),
      });
      return { instruction: toInstruction(instruction) };
    },

    async reportReturned(request) {
      const instruction = await robots.reportReturned({
        botId: required(request.botId, 'bot_id'),
        shoppingListId: required(request.shoppingListId, 'shopping_list_id'),
      });
      return { instruction: toInstruction(instruction) };
    },
  };
}

/**
 * The robots' API is for the robots, each acting only as itself (the `bot_id` of every message is its
 * credential's subject), and for the depot's staff (and operators), who may act for any bot.
 */
export function registerRobotsRpc(
  rpc: RpcRegistrar,
  robots: RobotOperations,
  logger?: Logger,
  options?: RobotsRpcOptions,
) {
  rpc.service(RobotService, robotsService(robots, logger, options), {
    audience: only(depotRoles.robot, depotRoles.depotStaff),
    // As the handlers read it; a blank one names no one, and is the handlers' INVALID_ARGUMENT.
    owner: (message) => message.botId.trim() || undefined,
  });
}
