import { derivedId, type Envelope, subscribeGroups } from '@tessera/platform/messaging';
import { type Module, stopsInTurn } from '@tessera/platform/runtime';
import { type Clock, systemClock } from '@tessera/platform/scheduling';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { registerIssuanceRoutes } from './adapters/http/routes.js';
import { brokerOutbox } from './adapters/messaging/integration-events.js';
import { lcApplicationsGroups } from './adapters/messaging/lc-applications-events.js';
import { postgresLCNumbering, postgresLCRepository } from './adapters/postgres/lcs.js';
import { registerIssuedLCsRpc } from './adapters/rpc/issued-lcs-service.js';
import { issuedLCsService } from './adapters/services/issued-lcs-service.js';
import { createIssuanceCommands } from './application/commands.js';
import { createIssuanceQueries } from './application/queries.js';
import { issuancePublishes } from './contract/integration-events.js';
import { ISSUED_LCS_SERVICE } from './contract/issued-lcs-service.js';
import { issuanceRoles } from './contract/roles.js';

export interface IssuanceModuleOptions {
  /** The bank's clock: the time of issue, and the year of the LC's number. */
  clock?: Clock;
  /** Told of each approval once its issuance has committed (tests wait on it instead of sleeping). */
  onApprovalHandled?: (message: Envelope) => void;
}

/** An application's LC always has the same id: a second approval of it finds the first's LC. */
export const lcIdFor = (lcApplicationId: string) => derivedId(`issuance.LC/${lcApplicationId}`, 0);

export function createIssuanceModule(options: IssuanceModuleOptions = {}): Module {
  return {
    name: 'issuance',
    roles: Object.values(issuanceRoles),
    description: 'LC Issuance: an LC, with its own number, for each approved application',
    migrations: [sqlMigrationSet('lc_issuance', new URL('./migrations/', import.meta.url))],
    publishes: issuancePublishes,

    async start({ db, broker, http, rpc, services }) {
      const clock = options.clock ?? systemClock;
      // Driven adapters: the LCs, the bank's numbering, the outbox.
      const lcs = postgresLCRepository(db);

      // Application.
      const commands = createIssuanceCommands({
        db,
        lcs,
        numbering: postgresLCNumbering(db),
        outbox: brokerOutbox(broker),
        lcIdFor,
        now: () => clock.now(),
      });
      const queries = createIssuanceQueries({ lcs });

      // Driver adapters: the REST routes, the IssuedLCsService the other modules ask (here, and over RPC
      // from other processes), and the approvals that issue LCs.
      registerIssuanceRoutes(http, { queries });
      services.provide(ISSUED_LCS_SERVICE, issuedLCsService(queries));
      registerIssuedLCsRpc(rpc, queries);
      const subscriptions = await subscribeGroups(broker, lcApplicationsGroups(commands), {
        db,
        observer: options.onApprovalHandled,
      });
      return stopsInTurn(subscriptions);
    },
  };
}

export const issuanceModule = createIssuanceModule();
