import { type MessageObserver, subscribeGroups } from '@tessera/platform/messaging';
import { tracedPort } from '@tessera/platform/observability';
import { type Module, stopsInTurn } from '@tessera/platform/runtime';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { customersServiceFor } from '../customers/contract/customers-client.js';
import { registerFakeSmsAdminRoutes, registerNotificationsRoutes } from './adapters/http/routes.js';
import { customersGroup } from './adapters/messaging/customers-events.js';
import { ordersGroup } from './adapters/messaging/orders-events.js';
import { instrumented } from './adapters/observability/metrics.js';
import { postgresCustomersCache } from './adapters/postgres/customers-cache.js';
import { postgresNotificationHistory } from './adapters/postgres/history.js';
import { createSmsDispatcher, type SmsDispatcherOptions } from './adapters/postgres/sms-dispatcher.js';
import { fakeSmsProvider } from './adapters/sms/fake-sms-provider.js';
import { createNotifications } from './application/notifications.js';
import type { CustomersDirectory, SmsSender } from './application/ports.js';

export interface NotificationsModuleOptions {
  /** Replaces the way Customers is asked on a miss (tests of unavailability). */
  customers?: CustomersDirectory;
  /** Wraps the SMS provider (tests make it fail, or lose its answer). */
  smsSender?: (provider: SmsSender) => SmsSender;
  /** Retries and leases of the sending (tests shorten them). */
  dispatch?: Omit<SmsDispatcherOptions, 'onError'>;
  /** Told of each Customers message once the cache has committed it (tests wait on it instead of sleeping). */
  onCustomersMessage?: MessageObserver;
  /** Told of each Order message once its notification has committed. */
  onOrdersMessage?: MessageObserver;
}

/**
 * Notifications (spec §3.7, N1–N3): texts customers when their order is received, ready (with the total to
 * pay) and canceled, exactly once each, through a pluggable SMS provider (a fake that records deliveries).
 */
export function createNotificationsModule(options: NotificationsModuleOptions = {}): Module {
  return {
    name: 'notifications',
    description: 'Notifications: SMS to customers about their orders, and the history of what was sent',
    migrations: [sqlMigrationSet('notifications', new URL('./migrations/', import.meta.url))],

    async start({ db, broker, http, logger, services, rpcServices, serviceToken }) {
      // Driven adapters: the history (the queue of SMS to send), the customers cache, Customers for misses,
      // and the SMS provider.
      const directory: CustomersDirectory =
        options.customers ??
        customersServiceFor({ services, rpcServices, serviceToken, logger, caller: 'notifications' });
      const provider = fakeSmsProvider(db);
      // Outermost, so that a test's failing provider shows as the failed call it stands for.
      const sender = tracedPort('sms', options.smsSender ? options.smsSender(provider) : provider, {
        peerService: 'sms-provider',
        operations: { send: 'send' },
      });

      // Application.
      const notifications = createNotifications({
        history: instrumented(postgresNotificationHistory(db), db),
        cache: postgresCustomersCache(db),
        directory,
      });

      // Driver adapters: the REST routes, the Customers and Order messages, and the dispatcher.
      registerNotificationsRoutes(http, { notifications });
      registerFakeSmsAdminRoutes(http, provider);
      const dispatcher = createSmsDispatcher(db, sender, {
        ...options.dispatch,
        onError: (error, context) => logger.warn({ err: error, ...context }, 'an SMS could not be sent'),
      });
      const subscriptions = [
        ...(await subscribeGroups(broker, [customersGroup(db)], {
          db,
          observer: options.onCustomersMessage,
        })),
        ...(await subscribeGroups(broker, [ordersGroup(notifications)], {
          db,
          observer: options.onOrdersMessage,
        })),
      ];
      await dispatcher.start();
      return stopsInTurn(subscriptions, dispatcher);
    },
  };
}

export const notificationsModule = createNotificationsModule();
