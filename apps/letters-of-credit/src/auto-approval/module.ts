import { type Module, stopsInTurn } from '@tessera/platform/runtime';
import {
  registerSagaAdminRoutes,
  type SagaObservation,
  sagaInspection,
  sagaMigrations,
  startSagaCoordinator,
} from '@tessera/platform/sagas';
import { createDeadlines, deadlineMigrations } from '@tessera/platform/scheduling';
import { autoApprovalProcess } from './application/process.js';

/** Its private datastore (§7.1 stage 5): the instances, their history and commands, and its deadlines. */
const SCHEMA = 'lc_auto_approval';

export interface AutoApprovalModuleOptions {
  /** Told of each move of an instance once it has committed (tests wait on it instead of polling). */
  readonly onMove?: (observation: SagaObservation) => void;
}

/**
 * The auto-approval saga as a bounded context of its own: it listens to LC Application Processing,
 * Compliance and Customer Onboarding, and sends LC Application Processing one command, the approval. It owns
 * only its instances (in its own schema), and shows them to operators at `/admin/sagas`.
 */
export function createAutoApprovalModule(options: AutoApprovalModuleOptions = {}): Module {
  return {
    name: 'auto-approval',
    description: 'The auto-approval saga: applications up to USD 10,000 whose three checks pass are approved',
    migrations: [sagaMigrations(SCHEMA), deadlineMigrations(SCHEMA)],

    async start({ db, broker, http, logger }) {
      // The coordinator needs somewhere to keep timers: the saga has none, but a step timeout added later
      // must not need a migration of another context's tables.
      const deadlines = createDeadlines(db, broker, {
        schema: SCHEMA,
        onError: (error, context) =>
          logger.error({ err: error, ...context }, 'a saga deadline could not fire'),
      });
      const coordinator = await startSagaCoordinator(
        {
          db,
          broker,
          deadlines,
          logger,
          schema: SCHEMA,
          source: 'auto-approval',
          ...(options.onMove && { observer: options.onMove }),
        },
        [autoApprovalProcess],
      );
      await deadlines.start();
      registerSagaAdminRoutes(http, sagaInspection(db, SCHEMA));
      return stopsInTurn(coordinator, deadlines);
    },
  };
}

export const autoApprovalModule = createAutoApprovalModule();
