import { type Queryable, rowOfUuid, timestampKey } from '@tessera/platform/sql';
import type { ApplicantRegister, CreditCheckRecords } from '../../application/ports.js';
import type { Address, Applicant } from '../../domain/applicants.js';

interface ApplicantRow {
  id: string;
  name: string;
  company: string | null;
  address: Address | null;
  credit_line_cents: string | number | null;
}

const APPLICANT_COLUMNS = 'id, name, company, address, credit_line_cents';

const toApplicant = (row: ApplicantRow): Applicant => ({
  id: row.id,
  name: row.name,
  ...(row.company !== null && { company: row.company }),
  ...(row.address !== null && { address: row.address }),
  ...(row.credit_line_cents !== null && { creditLineCents: Number(row.credit_line_cents) }),
});

/** `lc_onboarding.applicants`: one row per applicant. */
export function postgresApplicants(db: Queryable): ApplicantRegister {
  return {
    async add({ id, name, company, address }) {
      await db.query(
        'INSERT INTO lc_onboarding.applicants (id, name, company, address) VALUES ($1, $2, $3, $4)',
        [id, name, company ?? null, address ? JSON.stringify(address) : null],
      );
    },

    async find(id) {
      const row = await rowOfUuid<ApplicantRow>(
        db,
        `SELECT ${APPLICANT_COLUMNS} FROM lc_onboarding.applicants WHERE id = $1`,
        id,
      );
      return row && toApplicant(row);
    },

    async setCreditLine(id, creditLineCents) {
      const { rows } = await db.query<ApplicantRow>(
        `UPDATE lc_onboarding.applicants SET credit_line_cents = $2, updated_at = now()
          WHERE id = $1 RETURNING ${APPLICANT_COLUMNS}`,
        [id, creditLineCents],
      );
      return rows[0] && toApplicant(rows[0]);
    },
  };
}

interface CreditCheckRow {
  lc_application_id: string;
  applicant_id: string;
  approved: boolean;
  remarks: string;
  decided_at: string;
}

/** `lc_onboarding.credit_checks`: the decisions, keyed by application, never written twice. */
export function postgresCreditChecks(db: Queryable): CreditCheckRecords {
  return {
    async record({ lcApplicationId, applicantId, decision }) {
      const { rowCount } = await db.query(
        `INSERT INTO lc_onboarding.credit_checks (lc_application_id, applicant_id, approved, remarks)
         VALUES ($1, $2, $3, $4) ON CONFLICT (lc_application_id) DO NOTHING`,
        [lcApplicationId, applicantId, decision.approved, decision.remarks],
      );
      return rowCount === 1;
    },

    async find(lcApplicationId) {
      const row = await rowOfUuid<CreditCheckRow>(
        db,
        `SELECT lc_application_id, applicant_id, approved, remarks, ${timestampKey('decided_at')} AS decided_at
           FROM lc_onboarding.credit_checks WHERE lc_application_id = $1`,
        lcApplicationId,
      );
      return (
        row && {
          lcApplicationId: row.lc_application_id,
          applicantId: row.applicant_id,
          decision: { approved: row.approved, remarks: row.remarks },
          decidedAt: row.decided_at,
        }
      );
    },
  };
}
