import { Alert, Link, LiveIndicator, must, StatusBadge, useLive } from '@tessera/web';
import { useEffect, useState } from 'react';
import { api } from '../../src/api.js';
import { said } from './actions.js';
import type { Bot, ShoppingList } from './types.js';

const IN_PROGRESS = ['available', 'assigned', 'active'] as const;
const FINISHED_SHOWN = 10;
const shortId = (id: string) => id.slice(0, 8);
const botStatus = {
  offline: 'Offline',
  idle: 'Idle',
  shopping: 'Shopping',
  returning: 'Returning',
} as const;
const listStatus = {
  pending: 'Pending',
  available: 'Waiting for a bot',
  assigned: 'Assigned',
  active: 'Being shopped',
  completed: 'Completed',
  canceled: 'Canceled',
} as const;

/**
 * The depot live (ADR 0040): every bot and what it does, every list in progress with its stops and what the
 * bot found, changing as the depot does, without a reload. The bots' stream starts with the whole fleet; the
 * lists are read first and followed from the position of that reading.
 */
export function DepotScreen() {
  const [bots, setBots] = useState<ReadonlyMap<string, Bot>>(new Map());
  const [lists, setLists] = useState<ReadonlyMap<string, ShoppingList>>(new Map());
  const [after, setAfter] = useState<number>();
  const [failed, setFailed] = useState<string>();
  useEffect(() => {
    void (async () => {
      try {
        const answers = await Promise.all(
          IN_PROGRESS.map((status) =>
            must(() => api.GET('/api/depot/shopping', { params: { query: { status, limit: 100 } } })),
          ),
        );
        setLists(new Map(answers.flatMap((answer) => answer.shoppingLists).map((list) => [list.id, list])));
        // Following from the oldest reading: what changed after it comes again, as it is now.
        setAfter(Math.min(...answers.map((answer) => answer.position)));
      } catch (error) {
        setFailed(said(error).message);
      }
    })();
  }, []);
  const fleet = useLive('/api/depot/bots/live', {
    events: ['bot'],
    onEvent: ({ data }) => {
      const bot = data as Bot;
      setBots((shown) => new Map(shown).set(bot.id, bot));
    },
  });
  const shopping = useLive(after === undefined ? undefined : '/api/depot/shopping/live', {
    events: ['shoppingList'],
    after,
    onEvent: ({ data }) => {
      const list = data as ShoppingList;
      setLists((shown) => new Map(shown).set(list.id, list));
    },
  });

  const all = [...lists.values()];
  const inProgress = all
    .filter((list) => (IN_PROGRESS as readonly string[]).includes(list.status))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const finished = all
    .filter((list) => list.status === 'completed' || list.status === 'canceled')
    .slice(-FINISHED_SHOWN);
  const streams = after === undefined ? [fleet] : [fleet, shopping];
  const connection = streams.includes('reconnecting')
    ? 'reconnecting'
    : streams.every((state) => state === 'live')
      ? 'live'
      : 'connecting';
  return (
    <>
      <p>
        <LiveIndicator state={connection} />
      </p>
      {failed ? <Alert>{failed}</Alert> : null}
      <Fleet bots={[...bots.values()].sort((a, b) => a.id.localeCompare(b.id))} />
      <section aria-labelledby="in-progress">
        <h2 id="in-progress">Shopping lists in progress</h2>
        {inProgress.length === 0 ? <p>No list is waiting or being shopped.</p> : null}
        <ul className="tw-list">
          {inProgress.map((list) => (
            <ListCard key={list.id} list={list} />
          ))}
        </ul>
      </section>
      {finished.length > 0 ? (
        <section aria-labelledby="finished">
          <h2 id="finished">Finished since this page opened</h2>
          <ul className="tw-list">
            {finished.map((list) => (
              <ListCard key={list.id} list={list} />
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

function Fleet(props: { bots: readonly Bot[] }) {
  return (
    <section aria-labelledby="fleet">
      <h2 id="fleet">Bots</h2>
      {props.bots.length === 0 ? (
        <p>No bot has connected yet.</p>
      ) : (
        <table className="tw-table">
          <caption>The fleet, by id</caption>
          <thead>
            <tr>
              <th scope="col">Bot</th>
              <th scope="col">Status</th>
              <th scope="col">Shopping list</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {props.bots.map((bot) => (
              <tr key={bot.id}>
                <th scope="row">
                  {bot.name} <span className="tw-hint">({bot.id})</span>
                </th>
                <td>
                  <StatusBadge status={bot.status} label={botStatus[bot.status]} />
                </td>
                <td>
                  {bot.shoppingListId ? (
                    <a href={`#list-${bot.shoppingListId}`}>List {shortId(bot.shoppingListId)}</a>
                  ) : (
                    'None'
                  )}
                </td>
                <td>{new Date(bot.lastSeenAt).toLocaleTimeString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ListCard(props: { list: ShoppingList }) {
  const { list } = props;
  const items = list.stops.flatMap((stop) => stop.items);
  const reported = items.filter((item) => item.outcome !== undefined).length;
  return (
    <li className="tw-card" id={`list-${list.id}`} aria-labelledby={`list-${list.id}-title`}>
      <h3 id={`list-${list.id}-title`}>
        List {shortId(list.id)} <StatusBadge status={list.status} label={listStatus[list.status]} />
      </h3>
      <p>
        <Link href={`/console/orders/${list.orderId}`}>Order {shortId(list.orderId)}</Link>
        {list.assignedBotId ? ` · bot ${list.assignedBotId}` : ''} · {reported} of {items.length} items
        reported
      </p>
      {list.stops.map((stop) => (
        <table className="tw-table" key={stop.storeId}>
          <caption>
            {stop.storeName}, {stop.storeLocation}
          </caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Quantity</th>
              <th scope="col">Found</th>
            </tr>
          </thead>
          <tbody>
            {stop.items.map((item) => (
              <tr key={item.productId}>
                <th scope="row">{item.productName}</th>
                <td>{item.quantity}</td>
                <td>
                  {item.outcome === 'picked'
                    ? 'Picked'
                    : item.outcome === 'unavailable'
                      ? 'Unavailable'
                      : 'Not yet'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </li>
  );
}
