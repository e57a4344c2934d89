import { conflict, fold } from '@tessera/platform/ddd';
import { describe, expect, it } from 'vitest';
import { createCheckRecording } from '../../../src/lc-applications/application/checks.js';
import * as Checks from '../../../src/lc-applications/domain/checks.js';
import type * as LCApplication from '../../../src/lc-applications/domain/lc-application.js';

/** A checks stream shared by two partners: `raceLosses` appends are beaten by the other partner's first. */
function racedStore(raceLosses: number) {
  const stream: Checks.Event[] = [];
  let losses = raceLosses;
  return {
    stream,
    store: {
      async load() {
        return { state: fold(Checks.aggregate, stream), version: stream.length };
      },
      async update(_id: string, decide: (state: Checks.State) => readonly Checks.Event[]) {
        const decided = decide(fold(Checks.aggregate, stream));
        if (losses > 0) {
          losses--;
          // The other partner's decision committed first.
          stream.push(
            ...Checks.record(fold(Checks.aggregate, stream), 'applicantCredit', { approved: true }),
          );
          throw conflict('concurrent_modification', 'the stream was changed concurrently');
        }
        stream.push(...decided);
        return { state: fold(Checks.aggregate, stream), version: stream.length, events: decided };
      },
    },
  };
}

const submitted = {
  async load() {
    return { state: { status: 'submitted' } as LCApplication.State, version: 3 };
  },
};

describe("recording a partner's decision", () => {
  it('records it after the decision that won the race for the stream, in the same handling', async () => {
    const { stream, store } = racedStore(1);
    const recording = createCheckRecording({ applications: submitted, checks: store as never });
    expect(await recording.record({ id: 'a', check: 'productValue', decision: { approved: true } })).toBe(
      true,
    );
    expect(stream.map((event) => event.type)).toEqual([
      Checks.EVENT_OF_CHECK.applicantCredit,
      Checks.EVENT_OF_CHECK.productValue,
    ]);
  });

  it('gives up after three lost races, so that the handling is retried later', async () => {
    const { store } = racedStore(3);
    const recording = createCheckRecording({ applications: submitted, checks: store as never });
    await expect(
      recording.record({ id: 'a', check: 'productValue', decision: { approved: true } }),
    ).rejects.toMatchObject({ kind: 'conflict' });
  });
});
