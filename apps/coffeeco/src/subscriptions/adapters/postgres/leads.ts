import { conflict, pageOf } from '@tessera/platform/ddd';
import { isUuid, type Queryable, rowOfUuid, SqlState, sqlStateOf, versionedRow } from '@tessera/platform/sql';
import { leadAlreadyExists } from '../../application/leads.js';
import type { LeadRepository, UserView } from '../../application/ports.js';
import type { SelectedSubscription } from '../../domain/language.js';
import * as Leads from '../../domain/leads.js';

/** A row of `coffeeco_subscriptions.leads`: the persistence shape, mapped to the domain's state and back. */
interface LeadRow {
  lead_id: string;
  email: string;
  username: string | null;
  stage: Exclude<Leads.State['stage'], 'none'>;
  subscription_type: SelectedSubscription | null;
  user_id: string | null;
  created_at: Date | string;
  converted_at: Date | string | null;
  ended_at: Date | string | null;
  version: number;
}

const COLUMNS =
  'lead_id, email, username, stage, subscription_type, user_id, created_at, converted_at, ended_at, version';
const iso = (at: Date | string) => new Date(at).toISOString();

function stateOf(row: LeadRow): Leads.State {
  const signedUp = {
    email: row.email,
    ...(row.username !== null && { username: row.username }),
    createdAt: iso(row.created_at),
  };
  switch (row.stage) {
    case 'lead':
      return { stage: 'lead', ...signedUp };
    case 'lostLead':
      return { stage: 'lostLead', ...signedUp, lostAt: iso(row.ended_at!) };
    case 'customer':
    case 'churned': {
      const converted = {
        ...signedUp,
        subscriptionType: row.subscription_type!,
        userID: row.user_id!,
        convertedAt: iso(row.converted_at!),
      };
      return row.stage === 'customer'
        ? { stage: 'customer', ...converted }
        : { stage: 'churned', ...converted, churnedAt: iso(row.ended_at!) };
    }
  }
}

function columnsOf(state: Leads.State) {
  if (state.stage === 'none') throw new Error('a lead that does not exist is not saved');
  const converted = state.stage === 'customer' || state.stage === 'churned';
  return [
    state.email,
    state.username ?? null,
    state.stage,
    converted ? state.subscriptionType : null,
    converted ? state.userID : null,
    state.createdAt,
    converted ? state.convertedAt : null,
    state.stage === 'churned' ? state.churnedAt : state.stage === 'lostLead' ? state.lostAt : null,
  ];
}

const changedConcurrently = () =>
  conflict('concurrent_modification', 'the lead was changed concurrently; try again');

/** The leads, in `coffeeco_subscriptions.leads` (PostgreSQL or PGlite through the platform's SQL client). */
export function postgresLeads(db: Queryable): LeadRepository {
  return {
    async load(leadID) {
      const row = await rowOfUuid<LeadRow>(
        db,
        `SELECT ${COLUMNS} FROM coffeeco_subscriptions.leads WHERE lead_id = $1`,
        leadID,
      );
      return versionedRow(row, Leads.aggregate.initialState, stateOf);
    },

    async save(leadID, state, expectedVersion) {
      const values = columnsOf(state);
      try {
        const { rowCount } =
          expectedVersion === 0
            ? await db.query(
                `INSERT INTO coffeeco_subscriptions.leads (lead_id, email, username, stage, subscription_type, user_id,
                   created_at, converted_at, ended_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)
                 ON CONFLICT (lead_id) DO NOTHING`,
                [leadID, ...values],
              )
            : await db.query(
                `UPDATE coffeeco_subscriptions.leads SET email = $2, username = $3, stage = $4, subscription_type = $5,
                   user_id = $6, created_at = $7, converted_at = $8, ended_at = $9, version = version + 1
                  WHERE lead_id = $1 AND version = $10`,
                [leadID, ...values, expectedVersion],
              );
        if (rowCount === 0) throw changedConcurrently();
      } catch (error) {
        // The email's unique index: another sign-up with it committed between our check and this insert.
        if (sqlStateOf(error) === SqlState.uniqueViolation && expectedVersion === 0)
          throw leadAlreadyExists();
        throw error;
      }
    },

    async leadIDOfEmail(email) {
      const { rows } = await db.query<{ lead_id: string }>(
        'SELECT lead_id FROM coffeeco_subscriptions.leads WHERE lower(btrim(email)) = lower(btrim($1))',
        [email],
      );
      return rows[0]?.lead_id;
    },

    async findByUserID(userID) {
      const row = await rowOfUuid<LeadRow>(
        db,
        `SELECT ${COLUMNS} FROM coffeeco_subscriptions.leads WHERE user_id = $1`,
        userID,
      );
      return row && { leadID: row.lead_id, state: stateOf(row) };
    },

    async users({ limit, after }) {
      const [afterUserID] = after ?? [];
      if (afterUserID !== undefined && !isUuid(afterUserID)) return { items: [] };
      const { rows } = await db.query<LeadRow>(
        `SELECT ${COLUMNS} FROM coffeeco_subscriptions.leads
          WHERE user_id IS NOT NULL AND ($1::uuid IS NULL OR user_id > $1::uuid)
          ORDER BY user_id LIMIT $2`,
        [afterUserID ?? null, limit + 1],
      );
      return pageOf(rows.map(userOf), limit, (user) => [user.userID]);
    },
  };
}

function userOf(row: LeadRow): UserView {
  return {
    userID: row.user_id!,
    ...(row.username !== null && { username: row.username }),
    email: row.email,
    subscriptionType: row.subscription_type!,
    active: row.stage === 'customer',
  };
}
