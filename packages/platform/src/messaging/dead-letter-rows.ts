import { isUuid } from '../sql/versioned-rows.js';
import type { DeadLetter } from './broker.js';

/** A dead letter as both brokers' queries return it (their tables differ, their answers do not). */
export interface DeadLetterRow {
  id: string;
  group_name: string;
  message_id: string;
  subject: string;
  type: string;
  reason: string;
  attempts: number;
  dead_at: Date | string;
  envelope: string;
}

export const toDeadLetter = (row: DeadLetterRow): DeadLetter => ({
  id: row.id,
  group: row.group_name,
  messageId: row.message_id,
  subject: row.subject,
  type: row.type,
  reason: row.reason,
  attempts: row.attempts,
  deadAt: new Date(row.dead_at),
  envelope: JSON.parse(row.envelope) as unknown,
});

/** Dead letter ids are uuids (the columns' type): anything else names no dead letter. */
export const isDeadLetterId = isUuid;
