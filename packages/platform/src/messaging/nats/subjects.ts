/**
 * How envelopes map onto one JetStream stream (ADR 0008): `<stream>.<partition>.<subject>`, where the
 * partition is a hash of the message key. Each consumer group has one durable consumer per partition, a
 * lane that one member at a time holds (leases.ts), so a key's messages are handled in order, and the
 * partitions run in parallel. Re-driven dead letters go to `<stream>.redrive.<group>`, read by the group's
 * own re-drive consumer, so that only the group they died in sees them again.
 */

/** FNV-1a (32 bits) of the key's UTF-8 bytes: stable across processes, versions and platforms. */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

export const natsSubject = (stream: string, partition: number, subject: string) =>
  `${stream}.${partition}.${subject}`;

export const redriveSubject = (stream: string, group: string) => `${stream}.redrive.${group}`;

/** The envelope subject inside a partitioned NATS subject (what follows `<stream>.<partition>.`). */
export function subjectOf(stream: string, natsSubjectName: string): string {
  const rest = natsSubjectName.slice(stream.length + 1);
  return rest.slice(rest.indexOf('.') + 1);
}

/**
 * The one filter a consumer gets (a NATS 2.9 consumer has a single filter subject): the subscription's
 * subjects when there is one, else their longest common leading tokens followed by `>`. The consumer then
 * checks each message against the subscription's own patterns, and acknowledges what it does not want.
 */
export function commonFilter(subjects: readonly string[]): string {
  if (subjects.length === 1) return subjects[0]!;
  const split = subjects.map((subject) => subject.split('.'));
  const common: string[] = [];
  for (let i = 0; ; i++) {
    const token = split[0]![i];
    // A '>' ends a pattern: the common part stops before it, and the last token of an exact subject too
    // (a filter `a.b.>` does not match `a.b` itself).
    if (token === undefined || token === '>') break;
    if (!split.every((tokens) => tokens[i] === token && i < tokens.length - 1)) break;
    common.push(token);
  }
  return common.length === 0 ? '>' : `${common.join('.')}.>`;
}
