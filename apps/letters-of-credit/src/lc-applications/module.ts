import { eventSourcing, eventStoreMigrations } from '@tessera/platform/eventstore';
import { whenUnavailable } from '@tessera/platform/http';
import { type Envelope, observedHandler, publishMessages } from '@tessera/platform/messaging';
import { tracedPort } from '@tessera/platform/observability';
import {
  type Projector,
  projectionMigrations,
  type RebuildResult,
  registerProjectionRoutes,
  startProjector,
} from '@tessera/platform/projections';
import { type Module, stopsInTurn } from '@tessera/platform/runtime';
import { type Clock, createDeadlines, deadlineMigrations, systemClock } from '@tessera/platform/scheduling';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { issuedLCsServiceFor } from '../issuance/contract/issued-lcs-client.js';
import { requestSanctionsList, SANCTIONS_CHANNEL } from '../sanctions/contract/integration-events.js';
import { fakePostalService, type PostalService } from './adapters/addresses/postal-service.js';
import { AddressProviderUnavailable, uspsAddressVerification } from './adapters/addresses/usps-addresses.js';
import { registerPortfolioRoute } from './adapters/http/portfolio-route.js';
import { registerLCQueryRoutes } from './adapters/http/query-routes.js';
import { registerLCApplicationRoutes } from './adapters/http/routes.js';
import { type ChecksObserver, subscribeToChecks } from './adapters/messaging/checks.js';
import { lcApplicationCommandHandling } from './adapters/messaging/commands.js';
import { toIntegrationMessages } from './adapters/messaging/integration-events.js';
import { approvalReminders, subscribeToReminders } from './adapters/messaging/reminders.js';
import { counted } from './adapters/observability/metrics.js';
import { postgresLCViews } from './adapters/postgres/lc-views.js';
import {
  lcSummaryProjection,
  lcViewProjection,
  type StartedApplication,
} from './adapters/postgres/projections.js';
import { SanctionsListUnavailable, sanctionsCopy } from './adapters/postgres/sanctions-copy.js';
import { createCheckRecording } from './application/checks.js';
import { createLCApplicationCommands } from './application/commands.js';
import { portfolioQuery } from './application/portfolio.js';
import { createLCApplicationQueries } from './application/queries.js';
import { createLCViewQueries } from './application/view-queries.js';
import { lcApplicationsPublishes, lcApplicationsReceives } from './contract/integration-events.js';
import { lcApplicationsRoles } from './contract/roles.js';
import * as Checks from './domain/checks.js';
import { lcApplicationEventTypes } from './domain/events.js';
import * as LCApplication from './domain/lc-application.js';

const SCHEMA = 'lc_applications';
/** Bump when LCApplication.State changes shape: older snapshots are then ignored and replaced. */
const SNAPSHOT_VERSION = 1;
const DAY_MS = 86_400_000;
export const LC_APPLICATIONS_SANCTIONS_GROUP = 'lc-applications-sanctions';

export interface LCApplicationsModuleOptions {
  /** How long the portfolio waits for each of its sources (default 2 s). */
  portfolioTimeoutMs?: number;
  /** The bank's clock (tests move it by hand). */
  clock?: Clock;
  /** How long a day lasts for the reminders: 10 days after submit comes the first (LC_DAY_MS; tests and demos shorten it). */
  dayMs?: number;
  /** The address verification provider (the fake postal service by default: a true external). */
  postalService?: PostalService;
  /** Given the query models' running projectors (tests wait on `caughtUp()`, rebuild). */
  onProjectors?: (projectors: { view: Projector; summary: Projector }) => void;
  /** Told when a rebuild asked over the admin route ends. */
  onRebuilt?: (outcome: RebuildResult | Error) => void;
  /** Told of each application started, live only (never when a rebuild replays its start). */
  onStarted?: (started: StartedApplication) => void;
  /** Told of each partner's check message once its recording has committed (tests wait on it). */
  onCheck?: ChecksObserver;
  /** How often live updates send a heartbeat (default 15 s). */
  liveHeartbeatMs?: number;
  /** Events per batch of the query models' projections (default 500; tests of a rebuild make it small). */
  projectorBatchSize?: number;
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
    roles: Object.values(lcApplicationsRoles),
    description:
      'LC Application Processing: importers draft and submit applications, trade finance decides, reminders follow',
    migrations: [
      sqlMigrationSet(SCHEMA, new URL('./migrations/', import.meta.url)),
      eventStoreMigrations(SCHEMA),
      deadlineMigrations(SCHEMA),
      projectionMigrations(SCHEMA),
    ],
    publishes: lcApplicationsPublishes,
    receives: lcApplicationsReceives,

    async start({ db, broker, http, logger, services, rpcServices, serviceToken }) {
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
        // The partners' decisions are recorded beside the applications (domain/checks.ts).
        eventTypes: [...lcApplicationEventTypes, ...Checks.checkEventTypes],
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
      const checks = events.repository(Checks.aggregate);
      const sanctions = sanctionsCopy(db);
      // The query models, projected from this store (§4.3).
      const projectorOptions = {
        schema: SCHEMA,
        logger,
        ...(options.projectorBatchSize !== undefined && { batchSize: options.projectorBatchSize }),
      };
      const projectors = {
        view: await startProjector({ db, store: events.store }, lcViewProjection(db), projectorOptions),
        summary: await startProjector(
          { db, store: events.store },
          lcSummaryProjection(db, (started) => {
            logger.info(
              { lcApplicationId: started.id },
              `New LC with client reference '${started.clientReference}' started!`,
            );
            options.onStarted?.(started);
          }),
          projectorOptions,
        ),
      };
      options.onProjectors?.(projectors);
      const views = postgresLCViews(db, {
        view: () => projectors.view.checkpoint(),
        summary: () => projectors.summary.checkpoint(),
      });
      const addresses = uspsAddressVerification(
        tracedPort('addresses', options.postalService ?? fakePostalService, { peerService: 'usps' }),
      );

      // Application.
      const commands = createLCApplicationCommands({
        applications,
        sanctions: sanctions.list,
        addresses,
        now: () => clock.now(),
      });
      const queries = createLCApplicationQueries({ applications });
      const viewQueries = createLCViewQueries({ views });
      const checkRecording = createCheckRecording({ applications, checks });
      const issuedLCs = issuedLCsServiceFor({
        services,
        rpcServices,
        serviceToken,
        logger,
        caller: 'lc-applications',
      });
      const portfolio = portfolioQuery(
        {
          async activeApplications(applicantId, limit) {
            const { value } = await viewQueries.listApplications({
              status: 'pending',
              applicantId,
              page: { limit },
            });
            return value.items.map(({ id, clientReference, status, amount }) => ({
              id,
              clientReference,
              status,
              ...(amount && { amountCents: amount.cents, currency: amount.currency }),
            }));
          },
          async issuedLCs(applicantId, limit) {
            return (await issuedLCs.listIssuedLCs(applicantId, { limit })).lcs;
          },
        },
        {
          timeoutMs: options.portfolioTimeoutMs ?? 2_000,
          onFailure: (source, error) =>
            logger.warn({ err: error, source }, 'a portfolio source did not answer'),
        },
      );

      // Driver adapters: the open host service, the saga's approvals, the reminders, the sanctions list.
      whenUnavailable(
        http,
        [
          [SanctionsListUnavailable, 'sanctions_list_unavailable'],
          [AddressProviderUnavailable, 'address_provider_unavailable'],
        ],
        (scope) => registerLCApplicationRoutes(scope, { commands, queries }),
      );
      registerPortfolioRoute(http, portfolio);
      registerLCQueryRoutes(http, {
        queries,
        views: viewQueries,
        watch: (wake) => projectors.view.watch(wake),
        ...(options.liveHeartbeatMs !== undefined && { heartbeatMs: options.liveHeartbeatMs }),
      });
      registerProjectionRoutes(http, [projectors.view, projectors.summary], options.onRebuilt);
      const subscriptions = [
        await broker.subscribe(lcApplicationCommandHandling(commands, { publisher: broker, db })),
        await subscribeToReminders(broker, commands),
        await broker.subscribe({
          group: LC_APPLICATIONS_SANCTIONS_GROUP,
          subjects: [SANCTIONS_CHANNEL],
          handle: observedHandler(db, sanctions.handle, options.onSanctionsListHandled),
        }),
        ...(await subscribeToChecks(broker, db, checkRecording, options.onCheck)),
      ];
      // Subscribed first: then either this request or Sanctions' first publication fills the copy, whichever
      // module starts first (a group hears only what is published after it exists).
      if (!(await sanctions.held())) await requestSanctionsList(broker, 'lc-applications');
      await deadlines.start();
      return stopsInTurn(subscriptions, deadlines, [projectors.view, projectors.summary]);
    },
  };
}

export const lcApplicationsModule = createLCApplicationsModule();
