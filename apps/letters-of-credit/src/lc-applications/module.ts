import { eventSourcing, eventStoreMigrations } from '@tessera/platform/eventstore';
import { whenUnavailable } from '@tessera/platform/http';
import { type Envelope, observedHandler, publishMessages } from '@tessera/platform/messaging';
import { type Module, stopsInTurn } from '@tessera/platform/runtime';
import { type Clock, createDeadlines, deadlineMigrations, systemClock } from '@tessera/platform/scheduling';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { requestSanctionsList, SANCTIONS_CHANNEL } from '../sanctions/contract/integration-events.js';
import { fakePostalService, type PostalService } from './adapters/addresses/postal-service.js';
import { AddressProviderUnavailable, uspsAddressVerification } from './adapters/addresses/usps-addresses.js';
import { registerLCApplicationRoutes } from './adapters/http/routes.js';
import { lcApplicationCommandHandling } from './adapters/messaging/commands.js';
import { toIntegrationMessages } from './adapters/messaging/integration-events.js';
import { approvalReminders, subscribeToReminders } from './adapters/messaging/reminders.js';
import { counted } from './adapters/observability/metrics.js';
import { SanctionsListUnavailable, sanctionsCopy } from './adapters/postgres/sanctions-copy.js';
import { createLCApplicationCommands } from './application/commands.js';
import { createLCApplicationQueries } from './application/queries.js';
import { lcApplicationsPublishes, lcApplicationsReceives } from './contract/integration-events.js';
import { lcApplicationEventTypes } from './domain/events.js';
import * as LCApplication from './domain/lc-application.js';

const SCHEMA = 'lc_applications';
/** Bump when LCApplication.State changes shape: older snapshots are then ignored and replaced. */
const SNAPSHOT_VERSION = 1;
const DAY_MS = 86_400_000;
export const LC_APPLICATIONS_SANCTIONS_GROUP = 'lc-applications-sanctions';

export interface LCApplicationsModuleOptions {
  /** The bank's clock (tests move it by hand). */
  clock?: Clock;
  /** How long a day lasts for the reminders: 10 days after submit comes the first (LC_DAY_MS; tests and demos shorten it). */
  dayMs?: number;
  /** The address verification provider (the fake postal service by default: a true external). */
  postalService?: PostalService;
  /** Told of each sanctions list message once the copy has committed it (tests wait on it). */
  onSanctionsListHandled?: (message: Envelope) => void;
}

/** LC_DAY_MS: a whole number of milliseconds, at least 1; unset, a real day. */
export function dayMsFrom(value: string | undefined): number {
  if (value === undefined || value === '') return DAY_MS;
  const ms = Number(value);
  if (!Number.isSafeInteger(ms) || ms < 1)
    throw new Error(`LC_DAY_MS must be a whole number of ms, got "${value}"`);
  return ms;
}

export function createLCApplicationsModule(options: LCApplicationsModuleOptions = {}): Module {
  return {
    name: 'lc-applications',
    description:
      'LC Application Processing: importers draft and submit applications, trade finance decides, reminders follow',
    migrations: [
      sqlMigrationSet(SCHEMA, new URL('./migrations/', import.meta.url)),
      eventStoreMigrations(SCHEMA),
      deadlineMigrations(SCHEMA),
    ],
    publishes: lcApplicationsPublishes,
    receives: lcApplicationsReceives,

    async start({ db, broker, http, logger }) {
      const clock = options.clock ?? systemClock;
      const dayMs = options.dayMs ?? dayMsFrom(process.env.LC_DAY_MS);
      // Driven adapters: the event store, whose saves write their messages and reminders; the deadlines; the
      // sanctions list's local copy; the address provider behind its anti-corruption layer.
      const deadlines = createDeadlines(db, broker, {
        schema: SCHEMA,
        clock,
        onError: (error, context) => logger.error({ err: error, ...context }, 'a reminder could not fire'),
      });
      const reminders = approvalReminders(deadlines, { clock, dayMs });
      const events = eventSourcing({
        db,
        schema: SCHEMA,
        eventTypes: lcApplicationEventTypes,
        snapshots: { version: SNAPSHOT_VERSION },
      });
      const applications = events.repository(LCApplication.aggregate, {
        outbox: counted(
          {
            async publish(id, state, recorded) {
              await publishMessages(broker, 'lc-applications', toIntegrationMessages(id, state, recorded));
              await reminders.afterSave(id, state, recorded);
            },
          },
          db,
        ),
      });
      const sanctions = sanctionsCopy(db);
      const addresses = uspsAddressVerification(options.postalService ?? fakePostalService);

      // Application.
      const commands = createLCApplicationCommands({
        applications,
        sanctions: sanctions.list,
        addresses,
        now: () => clock.now(),
      });
      const queries = createLCApplicationQueries({ applications });

      // Driver adapters: the open host service, the saga's approvals, the reminders, the sanctions list.
      whenUnavailable(
        http,
        [
          [SanctionsListUnavailable, 'sanctions_list_unavailable'],
          [AddressProviderUnavailable, 'address_provider_unavailable'],
        ],
        (scope) => registerLCApplicationRoutes(scope, { commands, queries }),
      );
      const subscriptions = [
        await broker.subscribe(lcApplicationCommandHandling(commands, { publisher: broker, db })),
        await subscribeToReminders(broker, commands),
        await broker.subscribe({
          group: LC_APPLICATIONS_SANCTIONS_GROUP,
          subjects: [SANCTIONS_CHANNEL],
          handle: observedHandler(db, sanctions.handle, options.onSanctionsListHandled),
        }),
      ];
      // Subscribed first: then either this request or Sanctions' first publication fills the copy, whichever
      // module starts first (a group hears only what is published after it exists).
      if (!(await sanctions.held())) await requestSanctionsList(broker, 'lc-applications');
      await deadlines.start();
      return stopsInTurn(subscriptions, deadlines);
    },
  };
}

export const lcApplicationsModule = createLCApplicationsModule();
