import type { z } from 'zod';
import type { ChannelContract } from './asyncapi.js';
import type { MessageSchemas, MessageVersions } from './handlers.js';

/** The messages a contract's schemas describe, as a union of `{ type, data }` (what an adapter maps to). */
export type MessageOf<Schemas extends MessageSchemas> = {
  [Type in keyof Schemas & string]: { type: Type; data: z.infer<Schemas[Type]> };
}[keyof Schemas & string];

/**
 * A channel of a module's asynchronous contract (for the AsyncAPI document), from the schemas that validate its
 * messages and one summary per message type: a type without a summary does not compile.
 */
export function channelContract<Schemas extends MessageSchemas>(channel: {
  readonly address: string;
  readonly description: string;
  readonly messages: Schemas;
  readonly summaries: { readonly [Type in keyof Schemas & string]: string };
  /** The types whose shape changed, at the version published now (the AsyncAPI document shows it). */
  readonly versions?: MessageVersions;
}): ChannelContract {
  return {
    address: channel.address,
    description: channel.description,
    messages: (Object.keys(channel.messages) as Array<keyof Schemas & string>).map((type) => ({
      name: type,
      summary: channel.summaries[type],
      ...(channel.versions?.[type] && { schemaVersion: channel.versions[type].version }),
      data: channel.messages[type]!,
    })),
  };
}
