import { identifier } from '../../sql/errors.js';
import type { SqlClient } from '../../sql/index.js';
import { storableText } from '../../sql/storable-text.js';
import type { DeadLetter, DeadLetters } from '../broker.js';
import { deadLetterReads, isDeadLetterId } from '../dead-letter-rows.js';
import { redriveSubject } from './subjects.js';

export interface NatsDeadLetters extends DeadLetters {
  /** Records a dead letter once per group and message (a crash before the delivery ended records it again). */
  record(letter: Omit<DeadLetter, 'id' | 'deadAt'>): Promise<void>;
}

/**
 * Dead letters of the NATS broker, in PostgreSQL beside the outbox. Re-driving one writes it to the outbox
 * for the group's own re-drive subject, in the transaction that deletes it: it is delivered again to that
 * group only, and exactly when the deletion commits.
 */
export function natsDeadLetters(options: {
  db: SqlClient;
  schema: string;
  stream: string;
  outboxChannel: string;
}): NatsDeadLetters {
  const { db, stream } = options;
  const s = identifier(options.schema);
  return {
    ...deadLetterReads(db, {
      columns: `dl.id, dl.group_name, dl.message_id, dl.subject, dl.type, dl.reason, dl.attempts, dl.dead_at,
                dl.envelope::text AS envelope`,
      from: `${s}.dead_letters dl`,
    }),

    async record(letter) {
      await db.query(
        `INSERT INTO ${s}.dead_letters
           (group_name, message_id, subject, type, reason, attempts, envelope, correlation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7::json, $8) ON CONFLICT (group_name, message_id) DO NOTHING`,
        // Recorded whatever the message and the failure hold: text columns cannot hold a NUL, and a record
        // that failed would leave the message to be delivered again and fail again, for ever. The json column
        // takes the envelope's escapes as they are.
        [
          letter.group,
          storableText(letter.messageId),
          storableText(letter.subject),
          storableText(letter.type),
          storableText(letter.reason),
          letter.attempts,
          JSON.stringify(letter.envelope),
          correlationOf(letter.envelope),
        ],
      );
    },

    async redrive(ids) {
      const uuids = ids.filter((id) => isDeadLetterId(id));
      if (uuids.length === 0) return 0;
      return db.transaction(async () => {
        const { rows } = await db.query<{ id: string; group_name: string; envelope: string }>(
          `DELETE FROM ${s}.dead_letters WHERE id = ANY($1::uuid[]) RETURNING id, group_name, envelope::text AS envelope`,
          [uuids],
        );
        if (rows.length === 0) return 0;
        await db.query(
          `INSERT INTO ${s}.outbox (message_id, nats_subject, payload)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
          [
            // Its own id: JetStream must not take the re-drive for a duplicate of the first publish.
            rows.map((row) => `redrive-${row.id}`),
            rows.map((row) => redriveSubject(stream, row.group_name)),
            rows.map((row) => row.envelope),
          ],
        );
        await db.notify(options.outboxChannel);
        return rows.length;
      });
    },
  };
}

/** The conversation of a dead message, for the trail: none for one too malformed to name it. */
function correlationOf(envelope: unknown): string | null {
  const id =
    typeof envelope === 'object' && envelope !== null
      ? (envelope as { correlationId?: unknown }).correlationId
      : undefined;
  return typeof id === 'string' ? storableText(id) : null;
}
