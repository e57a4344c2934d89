import { conflict, mapPage, pageOf } from '@tessera/platform/ddd';
import { isUuid, type Queryable, rowOfUuid, timestampKey, versionedRow } from '@tessera/platform/sql';
import type { LCNumbering, LCRepository, LCView } from '../../application/ports.js';
import * as LC from '../../domain/lc.js';
import type { LCTerms } from '../../domain/values.js';

interface LCRow {
  id: string;
  lc_number: string;
  lc_application_id: string;
  applicant_id: string;
  terms: LCTerms;
  issued_at: Date | string;
  version: number;
}

const COLUMNS = 'id, lc_number, lc_application_id, applicant_id, terms, issued_at, version';

const toView = (row: LCRow): LCView => ({
  id: row.id,
  lcNumber: row.lc_number,
  lcApplicationId: row.lc_application_id,
  applicantId: row.applicant_id,
  terms: row.terms,
  issuedAt: new Date(row.issued_at).toISOString(),
});

const changedConcurrently = () =>
  conflict('concurrent_modification', 'the LC was changed concurrently; reload it and try again');

/** `lc_issuance.lcs`: one row per issued LC, its `version` the optimistic-concurrency token. */
export function postgresLCRepository(db: Queryable): LCRepository {
  const row = (id: string) =>
    rowOfUuid<LCRow>(db, `SELECT ${COLUMNS} FROM lc_issuance.lcs WHERE id = $1`, id);

  return {
    async load(id) {
      return versionedRow(await row(id), LC.aggregate.initialState, (found) => {
        const { id: _id, ...issued } = toView(found);
        return { status: 'issued', ...issued };
      });
    },

    async save(id, state, expectedVersion) {
      if (state.status !== 'issued') throw new Error('only an issued LC is saved');
      const values = [
        id,
        state.lcNumber,
        state.lcApplicationId,
        state.applicantId,
        JSON.stringify(state.terms),
        state.issuedAt,
      ];
      // A second issuance of the same LC (the same id) inserts nothing: a conflict, which the broker retries
      // and which then finds the LC issued.
      const { rowCount } =
        expectedVersion === 0
          ? await db.query(
              `INSERT INTO lc_issuance.lcs (${COLUMNS})
               VALUES ($1, $2, $3, $4, $5::jsonb, $6, 1) ON CONFLICT (id) DO NOTHING`,
              values,
            )
          : await db.query(
              `UPDATE lc_issuance.lcs
                  SET lc_number = $2, lc_application_id = $3, applicant_id = $4, terms = $5::jsonb,
                      issued_at = $6, version = version + 1, updated_at = now()
                WHERE id = $1 AND version = $7`,
              [...values, expectedVersion],
            );
      if (rowCount === 0) throw changedConcurrently();
    },

    async find(id) {
      const found = await row(id);
      return found && toView(found);
    },

    async findByApplication(lcApplicationId) {
      const found = await rowOfUuid<LCRow>(
        db,
        `SELECT ${COLUMNS} FROM lc_issuance.lcs WHERE lc_application_id = $1`,
        lcApplicationId,
      );
      return found && toView(found);
    },

    async list({ applicantId }, { limit, after }) {
      const [at, id] = after ?? [];
      if (id !== undefined && !isUuid(id)) return { items: [] };
      const { rows } = await db.query<LCRow & { key_at: string }>(
        `SELECT ${COLUMNS}, ${timestampKey('issued_at')} AS key_at
           FROM lc_issuance.lcs
          WHERE ($1::text IS NULL OR applicant_id = $1)
            AND ($2::timestamptz IS NULL OR (issued_at, id) < ($2, $3::uuid))
          ORDER BY issued_at DESC, id DESC LIMIT $4`,
        [applicantId ?? null, at ?? null, id ?? null, limit + 1],
      );
      return mapPage(
        pageOf(rows, limit, (found) => [found.key_at, found.id]),
        toView,
      );
    },
  };
}

/** `lc_issuance.lc_numbers`: the year's row is taken and kept locked until the issuing transaction ends. */
export function postgresLCNumbering(db: Queryable): LCNumbering {
  return {
    async next(year) {
      const { rows } = await db.query<{ last_sequence: number }>(
        `INSERT INTO lc_issuance.lc_numbers (year, last_sequence) VALUES ($1, 1)
         ON CONFLICT (year) DO UPDATE SET last_sequence = lc_issuance.lc_numbers.last_sequence + 1
         RETURNING last_sequence`,
        [year],
      );
      return rows[0]!.last_sequence;
    },
  };
}
