import { type GroupSubscription, onMessages, subscribeGroups } from '@tessera/platform/messaging';
import { type Module, stopsInTurn } from '@tessera/platform/runtime';
import {
  registerSagaAdminRoutes,
  sagaInspection,
  sagaMigrations,
  startSagaCoordinator,
} from '@tessera/platform/sagas';
import { type Clock, createDeadlines, deadlineMigrations } from '@tessera/platform/scheduling';
import { ORDER_CHANNEL, orderingMessages } from '../ordering/contract/integration-events.js';
import { type CreateOrderSagaOptions, createOrderSaga } from './saga.js';

/** The group that starts a saga for each created order. */
export const COSEC_ORDERS_GROUP = 'cosec-orders';
/** Its deadlines (the steps' timeouts) live beside its instances. */
const DEADLINES_SCHEMA = 'sagas';

export interface CosecModuleOptions extends CreateOrderSagaOptions {
  /** The clock of the steps' timeouts (tests travel in time with a manual one). */
  readonly clock?: Clock;
}

/**
 * The create-order saga execution coordinator (spec §3.9, §5): a created order starts the saga, which asks
 * Customers, Depot, Payments and Ordering in turn through their command channels and ends with the order
 * approved, or rejected with the reason after compensating. It owns only its instances and their deadlines.
 */
export function createCosecModule(options: CosecModuleOptions = {}): Module {
  const saga = createOrderSaga(options);
  return {
    name: 'cosec',
    description: 'The create-order saga: from a created order to an approved or rejected one',
    migrations: [sagaMigrations(), deadlineMigrations(DEADLINES_SCHEMA)],

    async start({ db, broker, http, logger }) {
      const deadlines = createDeadlines(db, broker, {
        schema: DEADLINES_SCHEMA,
        ...(options.clock ? { clock: options.clock } : {}),
        onError: (error, context) =>
          logger.error({ err: error, ...context }, 'a saga timeout could not fire'),
      });
      const coordinator = await startSagaCoordinator(
        {
          db,
          broker,
          deadlines,
          logger,
          source: 'cosec',
          ...(options.clock ? { clock: options.clock } : {}),
        },
        [saga],
      );
      const orders = await subscribeGroups(broker, [
        ordersGroup(async (order) => {
          await coordinator.start(saga, order.id, {
            orderId: order.id,
            customerId: order.customerId,
            paymentId: order.paymentId,
            totalCents: order.totalCents,
            items: order.items.map(({ storeId, productId, quantity }) => ({ storeId, productId, quantity })),
          });
        }),
      ]);
      await deadlines.start();
      registerSagaAdminRoutes(http, sagaInspection(db));
      return stopsInTurn(orders, coordinator, deadlines);
    },
  };
}

type OrderCreated = import('zod').infer<(typeof orderingMessages)['ordersapi.OrderCreated']>;

/** A saga per created order; the saga's id is the order's, so a duplicate OrderCreated starts nothing. */
function ordersGroup(start: (order: OrderCreated) => Promise<void>): GroupSubscription {
  return {
    group: COSEC_ORDERS_GROUP,
    subject: ORDER_CHANNEL,
    handle: onMessages(
      { 'ordersapi.OrderCreated': orderingMessages['ordersapi.OrderCreated'] },
      { 'ordersapi.OrderCreated': start },
    ),
  };
}

export const cosecModule = createCosecModule();
