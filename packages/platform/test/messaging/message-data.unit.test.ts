import { messageData, newEnvelope, PoisonMessageError } from '@tessera/platform/messaging';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const schema = z.strictObject({ id: z.string(), decision: z.strictObject({ approved: z.boolean() }) });
const message = (data: unknown) =>
  newEnvelope('test', { type: 'test.Checked', subject: 'test.x', key: 'k', data });

describe('messageData', () => {
  it('answers the data its contract parses', () => {
    expect(messageData(schema, message({ id: 'a', decision: { approved: true } }))).toEqual({
      id: 'a',
      decision: { approved: true },
    });
  });

  it('makes data off its contract a poison message naming the field', () => {
    const off = () => messageData(schema, message({ id: 'a', decision: { approved: 'yes' } }));
    expect(off).toThrow(PoisonMessageError);
    expect(off).toThrow(expect.objectContaining({ field: 'data.decision.approved' }));
  });
});
