import type { Flow, FlowMessage, FlowHandling as Handled } from './admin-api.gen.js';

/** A handling, with the admin base of the process that told it (where its dead letter is). */
export type FlowHandling = Handled & { readonly base?: string };

/** What a message is in a conversation, as an operator reads it. */
export type MessageKind = 'event' | 'command' | 'reply' | 'timeout';

export interface FlowNode {
  readonly message: FlowMessage;
  readonly kind: MessageKind;
  /** What each consumer group made of it, in time order. */
  readonly handlings: readonly FlowHandling[];
  /** The messages sent while handling it (caused by it), in the order they were sent. */
  readonly children: readonly FlowNode[];
}

/** One conversation as the whole system knows it: every process's part, put in causal order. */
export interface Conversation {
  readonly correlationId: string;
  /** When its first message was sent. */
  readonly startedAt: string | undefined;
  /** The messages nothing in the conversation caused (a request's, or one whose cause is gone). */
  readonly roots: readonly FlowNode[];
  /** Handlings of messages no process said it sent (sent from a process not answering, or pruned). */
  readonly unmatched: readonly FlowHandling[];
  readonly messages: number;
  readonly truncated: boolean;
  /**
   * Where an operator opens each trace its messages were sent in, the first sent's first (one checkout is one
   * trace; a deadline's firing may start another): only when a process answering gave a trace UI's address.
   */
  readonly traces: ReadonlyArray<{ readonly traceId: string; readonly url: string }>;
}

/** A trace UI's page of one trace: the address TRACES_URL gives, `{traceId}` replaced. */
export const traceUrlOf = (tracesUrl: string, traceId: string) =>
  tracesUrl.replaceAll('{traceId}', encodeURIComponent(traceId));

export function kindOf(message: Pick<FlowMessage, 'type' | 'replyTo'>): MessageKind {
  if (message.type === 'sagas.StepTimedOut' || message.type === 'sagas.DeadlineReached') return 'timeout';
  if (message.type.startsWith('reply.')) return 'reply';
  if (message.replyTo !== undefined) return 'command';
  return 'event';
}

const byTime =
  <T>(at: (item: T) => string, tie: (item: T) => string) =>
  (a: T, b: T) =>
    at(a).localeCompare(at(b)) || tie(a).localeCompare(tie(b));

/**
 * Merges the answers every process gave about one conversation (each knows what it sent and what its groups
 * handled) and puts the messages in causal order: each under the message whose handling sent it (its
 * causation id), siblings in the order they were sent. A message is shown once, whoever answered it.
 */
export function conversationOf(
  correlationId: string,
  flows: ReadonlyArray<Omit<Flow, 'handlings'> & { readonly handlings: readonly FlowHandling[] }>,
): Conversation {
  const messages = new Map<string, FlowMessage>();
  for (const flow of flows) {
    for (const message of flow.messages) {
      const known = messages.get(message.id);
      if (!known || message.sentAt < known.sentAt) messages.set(message.id, message);
    }
  }
  const handlings = new Map<string, FlowHandling[]>();
  const seen = new Set<string>();
  const unmatched: FlowHandling[] = [];
  for (const flow of flows) {
    for (const handling of flow.handlings) {
      const key = `${handling.messageId} ${handling.group} ${handling.outcome}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!messages.has(handling.messageId)) unmatched.push(handling);
      else handlings.set(handling.messageId, [...(handlings.get(handling.messageId) ?? []), handling]);
    }
  }
  const children = new Map<string, FlowMessage[]>();
  const roots: FlowMessage[] = [];
  for (const message of messages.values()) {
    const parent = message.causationId;
    if (parent !== undefined && parent !== message.id && messages.has(parent)) {
      children.set(parent, [...(children.get(parent) ?? []), message]);
    } else roots.push(message);
  }
  const sentOrder = byTime<FlowMessage>(
    (m) => m.sentAt,
    (m) => m.id,
  );
  const placed = new Set<string>();
  const node = (message: FlowMessage): FlowNode => {
    placed.add(message.id);
    return {
      message,
      kind: kindOf(message),
      handlings: [...(handlings.get(message.id) ?? [])].sort(
        byTime(
          (h) => h.at,
          (h) => h.group,
        ),
      ),
      children: [...(children.get(message.id) ?? [])]
        .filter((child) => !placed.has(child.id))
        .sort(sentOrder)
        .map(node),
    };
  };
  const tree = roots.sort(sentOrder).map(node);
  // Causation ids that loop (they never should) leave messages no root reaches: shown as roots of their own.
  const stranded = [...messages.values()].filter((m) => !placed.has(m.id)).sort(sentOrder);
  for (const message of stranded) if (!placed.has(message.id)) tree.push(node(message));
  const sent = [...messages.values()].sort(sentOrder);
  const first = sent[0];
  const tracesUrl = flows.find((flow) => flow.tracesUrl !== undefined)?.tracesUrl;
  const traceIds = new Set(sent.flatMap((message) => (message.traceId ? [message.traceId] : [])));
  return {
    correlationId,
    startedAt: first?.sentAt,
    roots: tree,
    unmatched: unmatched.sort(
      byTime(
        (h) => h.at,
        (h) => h.messageId,
      ),
    ),
    messages: messages.size,
    truncated: flows.some((flow) => flow.truncated),
    traces: tracesUrl
      ? [...traceIds].map((traceId) => ({ traceId, url: traceUrlOf(tracesUrl, traceId) }))
      : [],
  };
}

/** The conversation's messages in the order the tree shows them (depth first): causal order. */
export function inCausalOrder(conversation: Conversation): FlowMessage[] {
  const out: FlowMessage[] = [];
  const walk = (nodes: readonly FlowNode[]) => {
    for (const n of nodes) {
      out.push(n.message);
      walk(n.children);
    }
  };
  walk(conversation.roots);
  return out;
}
