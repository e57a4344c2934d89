import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const root = fileURLToPath(new URL('../../../..', import.meta.url));

/** Runs `work` and reports how long it took, in seconds with one decimal. */
export async function timed<T>(timings: Record<string, number>, name: string, work: () => Promise<T>) {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[name] = Math.round((performance.now() - start) / 100) / 10;
  }
}
