import { z } from 'zod';
import { envelopeSchema } from './envelope.js';

/** One message type a module publishes, with the schema of its data. */
export interface MessageContract {
  /** `<module>api.<Name>`. */
  readonly name: string;
  readonly summary: string;
  readonly schemaVersion?: number;
  readonly data: z.ZodType;
}

/** A channel (subject) and the messages that travel on it. */
export interface ChannelContract {
  readonly address: string;
  readonly description: string;
  readonly messages: readonly MessageContract[];
}

/**
 * An AsyncAPI 3.0 document of what the modules publish, generated from the schemas that validate the
 * messages, as the OpenAPI document is from the schemas that validate requests. Each message is described
 * as the whole envelope, its `type` fixed and its `data` the message's own schema.
 */
export function asyncApiDocument(
  info: { title: string; version: string; description?: string },
  channels: readonly ChannelContract[],
  /** Channels the modules receive on that no module here publishes on (command channels, say), by module. */
  received: ReadonlyArray<{ module: string; channels: readonly ChannelContract[] }> = [],
): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  const channelEntries: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const describe = (channel: ChannelContract) => {
    const channelId = channel.address.replaceAll('.', '_');
    const refs: Record<string, unknown> = {};
    for (const message of channel.messages) {
      const envelope = envelopeSchema.extend({
        type: z.literal(message.name),
        schemaVersion: z.literal(message.schemaVersion ?? 1),
        subject: z.literal(channel.address),
        data: message.data,
      });
      messages[message.name] = {
        name: message.name,
        title: message.name,
        summary: message.summary,
        contentType: 'application/json',
        payload: z.toJSONSchema(envelope, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' }),
      };
      refs[message.name] = { $ref: `#/components/messages/${message.name}` };
    }
    channelEntries[channelId] = {
      address: channel.address,
      description: channel.description,
      messages: refs,
    };
    return {
      channel: { $ref: `#/channels/${channelId}` },
      messages: Object.keys(refs).map((name) => ({ $ref: `#/channels/${channelId}/messages/${name}` })),
      channelId,
    };
  };
  for (const channel of channels) {
    const { channelId, ...operation } = describe(channel);
    operations[`publish_${channelId}`] = { action: 'send', ...operation };
  }
  for (const { module, channels: receivedChannels } of received) {
    for (const channel of receivedChannels) {
      const { channelId, ...operation } = describe(channel);
      operations[`${module}_receive_${channelId}`] = { action: 'receive', ...operation };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: info.title,
      version: info.version,
      ...(info.description ? { description: info.description } : {}),
    },
    defaultContentType: 'application/json',
    channels: channelEntries,
    operations,
    components: { messages },
  };
}
