import { type Envelope, subscribeGroups } from '@tessera/platform/messaging';
import { ConfigError, type Module, stopsInTurn } from '@tessera/platform/runtime';
import { type Clock, systemClock } from '@tessera/platform/scheduling';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { registerSanctionsRoutes } from './adapters/http/routes.js';
import { brokerOutbox, sanctionsRequestGroups } from './adapters/messaging/sanctions-list.js';
import { postgresSanctionsList } from './adapters/postgres/sanctions-list.js';
import { createSanctionsCommands } from './application/commands.js';
import { createSanctionsQueries } from './application/queries.js';
import { sanctionsPublishes, sanctionsReceives } from './contract/integration-events.js';
import { sanctionsRoles } from './contract/roles.js';
import { countryCode } from './domain/sanctions-list.js';

/** The book's Sokovia, under a user-assigned code. */
const DEFAULT_SANCTIONED = ['XS'];

/**
 * LC_SANCTIONED_COUNTRIES: the list the first start establishes, comma-separated ISO alpha-2 codes ("XS,KP");
 * unset (or empty, as every setting): XS. Read only while there is no list: later the officers keep it.
 */
export function sanctionedCountriesFrom(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return DEFAULT_SANCTIONED;
  const codes = value.split(',').map((code) => code.trim().toUpperCase());
  const bad = codes.filter((code) => !countryCode.safeParse(code).success);
  if (bad.length > 0) {
    throw new ConfigError([
      `LC_SANCTIONED_COUNTRIES must be comma-separated two-letter country codes (ISO 3166-1 alpha-2), not ${bad
        .map((code) => JSON.stringify(code))
        .join(', ')}`,
    ]);
  }
  return codes;
}

export interface SanctionsModuleOptions {
  /** The list the first start establishes (default: LC_SANCTIONED_COUNTRIES). */
  sanctioned?: readonly string[];
  clock?: Clock;
  /** Told of each request for the list once its handling has committed (tests wait on it). */
  onRequestHandled?: (message: Envelope) => void;
}

export function createSanctionsModule(options: SanctionsModuleOptions = {}): Module {
  return {
    name: 'sanctions',
    roles: Object.values(sanctionsRoles),
    description: 'Sanctions: the countries trade with which is prohibited, published whole at each change',
    migrations: [sqlMigrationSet('lc_sanctions', new URL('./migrations/', import.meta.url))],
    publishes: sanctionsPublishes,
    receives: sanctionsReceives,

    async start({ db, broker, http }) {
      const clock = options.clock ?? systemClock;
      const sanctioned = options.sanctioned ?? sanctionedCountriesFrom(process.env.LC_SANCTIONED_COUNTRIES);
      const list = postgresSanctionsList(db);
      const commands = createSanctionsCommands({
        db,
        list,
        outbox: brokerOutbox(broker),
        now: () => clock.now(),
      });
      const queries = createSanctionsQueries({ list });

      registerSanctionsRoutes(http, { commands, queries });
      // Requests first, then the first list: a copy that missed the first publication (its group did not
      // exist yet) asks after subscribing, and this group exists by then.
      const subscriptions = await subscribeGroups(broker, sanctionsRequestGroups(broker, queries), {
        db,
        observer: options.onRequestHandled,
      });
      // The first start publishes the list, once, even when two processes start at once.
      await commands.establish(sanctioned);
      return stopsInTurn(subscriptions);
    },
  };
}

export const sanctionsModule = createSanctionsModule();
