import { conflict } from '@tessera/platform/ddd';
import { type Queryable, versionedRow } from '@tessera/platform/sql';
import type { SanctionsListRepository } from '../../application/ports.js';
import * as SanctionsList from '../../domain/sanctions-list.js';

interface ListRow {
  countries: string[];
  changed_at: Date | string;
  version: number;
}

const changedConcurrently = () =>
  conflict('concurrent_modification', 'the sanctions list was changed concurrently; try again');

/** `lc_sanctions.sanctions_list`: the one row of the list (whatever id it is asked by). */
export function postgresSanctionsList(db: Queryable): SanctionsListRepository {
  return {
    async load() {
      const { rows } = await db.query<ListRow>(
        'SELECT countries, changed_at, version FROM lc_sanctions.sanctions_list',
      );
      return versionedRow(rows[0], SanctionsList.aggregate.initialState, (row) => ({
        established: true,
        countries: row.countries,
        changedAt: new Date(row.changed_at).toISOString(),
      }));
    },

    async save(_id, state, expectedVersion) {
      if (!state.established) throw new Error('only an established list is saved');
      const values = [[...state.countries], state.changedAt];
      // Two first starts at once: the second insert finds the first's row (a conflict, then nothing to do).
      const { rowCount } =
        expectedVersion === 0
          ? await db.query(
              `INSERT INTO lc_sanctions.sanctions_list (countries, changed_at, version) VALUES ($1, $2, 1)
               ON CONFLICT (singleton) DO NOTHING`,
              values,
            )
          : await db.query(
              `UPDATE lc_sanctions.sanctions_list SET countries = $1, changed_at = $2, version = version + 1
                WHERE version = $3`,
              [...values, expectedVersion],
            );
      if (rowCount === 0) throw changedConcurrently();
    },
  };
}
