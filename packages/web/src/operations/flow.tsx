import { type FormEvent, useState } from 'react';
import { must } from '../api.js';
import { Link, navigate } from '../router.js';
import { Alert, Button, Field } from '../ui.js';
import { adminApi, messagingPlaces, useLoaded } from './admin-api.js';
import { type Conversation, conversationOf, type FlowNode, type MessageKind } from './flow-tree.js';
import { ProblemAlert, segment, useFrame, when } from './frame.js';

const KIND: Record<MessageKind, string> = {
  event: 'Event',
  command: 'Command',
  reply: 'Reply',
  timeout: 'Timeout',
};

/**
 * The whole message flow of an order (or of any key, or one conversation): every process is asked for the
 * conversations in which it sent a message with that key, then for each conversation's messages and handlings;
 * the answers are merged and shown in causal order, each message under the one whose handling sent it.
 */
export function MessageFlow(props: { params: Record<string, string> }) {
  const { topology, options, href } = useFrame();
  const places = messagingPlaces(topology, options.application);
  const search = props.params.search ?? '';
  const [text, setText] = useState(search);
  const found = useLoaded(`flow ${search} ${places.map((p) => p.base).join()}`, async () => {
    if (!search) return undefined;
    const byKey = await Promise.all(
      places.map(
        async (place) =>
          (
            await must(() =>
              adminApi(place.base).GET('/messaging/conversations', { params: { query: { key: search } } }),
            )
          ).conversations,
      ),
    );
    const starts = new Map<string, string>();
    for (const c of byKey.flat()) {
      const known = starts.get(c.correlationId);
      if (!known || c.firstAt < known) starts.set(c.correlationId, c.firstAt);
    }
    // Nothing was keyed by it: it may be a conversation's own id.
    const ids =
      starts.size > 0 ? [...starts].sort((a, b) => a[1].localeCompare(b[1])).map(([id]) => id) : [search];
    const conversations = await Promise.all(
      ids.map(async (correlationId) => {
        const flows = await Promise.all(
          places.map(async (place) => {
            const { flow } = await must(() =>
              adminApi(place.base).GET('/messaging/flow', { params: { query: { correlationId } } }),
            );
            return { ...flow, handlings: flow.handlings.map((h) => ({ ...h, base: place.base })) };
          }),
        );
        return conversationOf(correlationId, flows);
      }),
    );
    return {
      byKey: starts.size > 0,
      conversations: conversations.filter((c) => c.messages + c.unmatched.length > 0),
    };
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const wanted = text.trim();
    if (wanted) navigate(href(`operations/flow/${segment(wanted)}`));
  };
  return (
    <>
      <search aria-label="Find a message flow">
        <form className="tw-form tw-search" onSubmit={submit}>
          <Field
            label="Order id, message key or correlation id"
            value={text}
            required
            onChange={(event) => setText(event.target.value)}
          />
          <div className="tw-row">
            <Button type="submit">Show the flow</Button>
            {search ? (
              <Button kind="secondary" onClick={() => void found.reload()}>
                Read again
              </Button>
            ) : null}
          </div>
        </form>
      </search>
      <ProblemAlert loaded={found} />
      {search && found.data ? (
        found.data.conversations.length === 0 ? (
          <Alert kind="info">
            No message was sent with the key {search}, nor in a conversation of that id (the trail keeps them
            as long as the inboxes remember).
          </Alert>
        ) : (
          <>
            <p role="status">
              {found.data.byKey
                ? `${found.data.conversations.length} conversation${found.data.conversations.length === 1 ? '' : 's'} sent messages keyed by ${search}.`
                : `The conversation ${search}.`}
            </p>
            {found.data.conversations.map((conversation) => (
              <ConversationView key={conversation.correlationId} conversation={conversation} href={href} />
            ))}
          </>
        )
      ) : search && !found.problem ? (
        <p role="status">Asking every process…</p>
      ) : null}
    </>
  );
}

function ConversationView(props: { conversation: Conversation; href: (route: string) => string }) {
  const { conversation } = props;
  const heading = `conversation-${conversation.correlationId.replace(/[^\w-]/g, '_')}`;
  return (
    <section aria-labelledby={heading} className="tw-conversation">
      <h2 id={heading}>
        Conversation {conversation.correlationId}
        {conversation.startedAt ? (
          <span className="tw-hint"> started {when(conversation.startedAt)}</span>
        ) : null}
      </h2>
      <p className="tw-hint">
        {conversation.messages} message{conversation.messages === 1 ? '' : 's'}, each under the one whose
        handling sent it.
        {conversation.truncated ? ' More were sent than are shown here: the oldest are shown.' : ''}
      </p>
      {conversation.traces.length > 0 ? (
        <p>
          {conversation.traces.length === 1 ? 'Its trace: ' : 'Its traces: '}
          {conversation.traces.map(({ traceId, url }, index) => (
            <span key={traceId}>
              {index > 0 ? ', ' : null}
              <a href={url} target="_blank" rel="noopener noreferrer" className="tw-trace">
                <code>{traceId}</code>
              </a>
            </span>
          ))}
        </p>
      ) : null}
      <ol className="tw-flow" aria-label={`Messages of conversation ${conversation.correlationId}`}>
        {conversation.roots.map((node) => (
          <NodeView key={node.message.id} node={node} href={props.href} />
        ))}
      </ol>
      {conversation.unmatched.length > 0 ? (
        <>
          <h3>Handled, but sent from a process that did not answer</h3>
          <ul>
            {conversation.unmatched.map((h) => (
              <li key={`${h.messageId} ${h.group} ${h.outcome}`}>
                {h.group}: {h.outcome} message {h.messageId} at {when(h.at)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function NodeView(props: { node: FlowNode; href: (route: string) => string }) {
  const { message, kind, handlings, children } = props.node;
  return (
    <li className={`tw-flow-${kind}`}>
      <div className="tw-flow-message">
        <span className={`tw-badge tw-kind-${kind}`}>{KIND[kind]}</span> <strong>{message.type}</strong>{' '}
        <span className="tw-hint">
          from {message.source} on {message.subject}, key {message.key}, sent{' '}
          <time dateTime={message.sentAt}>{when(message.sentAt)}</time>
        </span>
      </div>
      {handlings.length > 0 ? (
        <ul className="tw-flow-handlings" aria-label={`What became of ${message.type}`}>
          {handlings.map((h) => (
            <li key={`${h.group} ${h.outcome}`}>
              {h.outcome === 'handled' ? (
                <>
                  Handled by {h.group} at <time dateTime={h.at}>{when(h.at)}</time>
                </>
              ) : h.outcome === 'pending' ? (
                <>
                  Waiting in {h.group}
                  {h.attempts ? ` after ${h.attempts} failed attempt${h.attempts === 1 ? '' : 's'}` : ''}
                </>
              ) : (
                <>
                  <strong>Dead-lettered</strong> by {h.group}: {h.reason}{' '}
                  {h.deadLetterId && h.base ? (
                    <Link href={props.href(`operations/dead-letters/${segment(h.base)}/${h.deadLetterId}`)}>
                      Inspect the dead letter
                    </Link>
                  ) : null}
                </>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {children.length > 0 ? (
        <ol>
          {children.map((child) => (
            <NodeView key={child.message.id} node={child} href={props.href} />
          ))}
        </ol>
      ) : null}
    </li>
  );
}
