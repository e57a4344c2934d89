/**
 * Adaptive group commit: requests that arrive while a flush is in flight wait and go together in the
 * next flush. A lone caller is flushed at once (no timer, no added latency); under load, batches grow
 * by themselves and one durable commit serves many callers.
 *
 * After settling a batch of several, the committer waits one turn of the event loop before it looks at
 * the queue again. The callers it just served usually submit again at once; without the pause the first of
 * them would be flushed alone while the rest waited, and under steady load batches would alternate between
 * 1 and N - 1, every other commit carrying a single request.
 */
export interface GroupCommitter<Request, Result> {
  submit(request: Request): Promise<Result>;
  /** Resolves once everything submitted so far has been flushed. */
  drain(): Promise<void>;
}

export function createGroupCommitter<Request, Result>(
  flush: (batch: Request[]) => Promise<Array<Result | Error>>,
  options: { maxBatchWeight: number; weigh: (request: Request) => number },
): GroupCommitter<Request, Result> {
  type Pending = { request: Request; resolve: (result: Result) => void; reject: (error: unknown) => void };
  let queue: Pending[] = [];
  let running: Promise<void> | null = null;

  const takeBatch = (): Pending[] => {
    let weight = 0;
    let count = 0;
    for (const pending of queue) {
      const w = options.weigh(pending.request);
      if (count > 0 && weight + w > options.maxBatchWeight) break;
      weight += w;
      count++;
    }
    const batch = queue.slice(0, count);
    queue = queue.slice(count);
    return batch;
  };

  const run = async () => {
    while (queue.length > 0) {
      const batch = takeBatch();
      try {
        const results = await flush(batch.map((pending) => pending.request));
        batch.forEach((pending, index) => {
          const result = results[index];
          if (result instanceof Error) pending.reject(result);
          else pending.resolve(result as Result);
        });
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
      if (batch.length > 1) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    running = null;
  };

  return {
    submit(request) {
      return new Promise<Result>((resolve, reject) => {
        queue.push({ request, resolve, reject });
        running ??= run();
      });
    },
    async drain() {
      while (running) await running;
    },
  };
}
