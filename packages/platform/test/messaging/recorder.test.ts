import { createEmbeddedBroker, embeddedBrokerMigrations, newEnvelope } from '@tessera/platform/messaging';
import { migrate } from '@tessera/platform/sql';
import { pgliteTestDatabase, recordMessages } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';

describe('recordMessages (testing)', () => {
  it('records what its group receives from now on, in order, and resolves a wait on the matching delivery', async () => {
    const opened = await pgliteTestDatabase.open();
    await migrate(opened.db, [embeddedBrokerMigrations('broker')]);
    const broker = createEmbeddedBroker({ db: opened.db });
    const message = (subject: string, n: number) =>
      newEnvelope('test', { type: 'test.Happened', subject, key: 'k', data: { n } });
    try {
      await broker.publish([message('tests.recorded', 0)]); // before the recorder: not its
      const recorder = await recordMessages(broker, ['tests.recorded']);
      const third = recorder.waitFor((m) => (m.data as { n: number }).n === 3);
      await broker.publish([
        message('tests.recorded', 1),
        message('tests.other', 2),
        message('tests.recorded', 3),
      ]);
      expect((await third).data).toEqual({ n: 3 });
      expect(recorder.messages.map((m) => (m.data as { n: number }).n)).toEqual([1, 3]);
      // A wait on what has arrived already resolves at once.
      expect((await recorder.waitFor((m) => (m.data as { n: number }).n === 1)).data).toEqual({ n: 1 });
      await recorder.stop();
    } finally {
      await broker.close();
      await opened.close();
    }
  });
});
