import { onMessages } from '@tessera/platform/messaging';
import type { Queryable } from '@tessera/platform/sql';
import { sanctionsMessages } from '../../../sanctions/contract/integration-events.js';
import type { SanctionsList } from '../../application/ports.js';

/** No list has arrived yet (a fresh system whose Sanctions module has not published): nothing is assumed. */
export class SanctionsListUnavailable extends Error {
  readonly code = 'sanctions_list_unavailable';
  constructor() {
    super('the sanctions list has not been received yet: try again shortly');
  }
}

/**
 * The sanctions list as this module last received it: a local copy (a lookup store, §7.1), so that checking a
 * country needs no call to another module. A list older than the one kept is ignored.
 */
export function sanctionsCopy(db: Queryable) {
  const list: SanctionsList = {
    async isSanctioned(country) {
      const { rows } = await db.query<{ sanctioned: boolean }>(
        'SELECT $1 = ANY(countries) AS sanctioned FROM lc_applications.sanctions_copy',
        [country],
      );
      if (rows.length === 0) throw new SanctionsListUnavailable();
      return rows[0]!.sanctioned;
    },
  };
  const handle = onMessages(sanctionsMessages, {
    'sanctions.SanctionsListChanged': async ({ countries, version, changedAt }) => {
      await db.query(
        `INSERT INTO lc_applications.sanctions_copy (countries, version, changed_at) VALUES ($1, $2, $3)
         ON CONFLICT (singleton) DO UPDATE SET countries = EXCLUDED.countries, version = EXCLUDED.version,
           changed_at = EXCLUDED.changed_at
         WHERE lc_applications.sanctions_copy.version < EXCLUDED.version`,
        [countries, version, changedAt],
      );
    },
  });
  /** Whether a list has arrived (a copy with none asks Sanctions for it at the module's start). */
  const held = async () => (await db.query('SELECT 1 FROM lc_applications.sanctions_copy')).rows.length > 0;
  return { list, handle, held };
}
