/** The p-th percentile (0–100) of the samples, nearest-rank; undefined when there are none. */
export function percentile(samples: readonly number[], p: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface LatencySummary {
  count: number;
  p50?: number;
  p95?: number;
  p99?: number;
}

export const summarize = (samples: readonly number[]): LatencySummary => {
  const summary: LatencySummary = { count: samples.length };
  for (const p of [50, 95, 99] as const) {
    const value = percentile(samples, p);
    if (value !== undefined) summary[`p${p}`] = Math.round(value * 10) / 10;
  }
  return summary;
};

export interface ActionSummary extends LatencySummary {
  action: string;
  errors: number;
}

/** Per action: how many calls, how many failed, and how long they took (ms, failed ones included). */
export class ActionStats {
  private readonly latencies = new Map<string, number[]>();
  private readonly failures = new Map<string, number>();
  private readonly lastErrors: string[] = [];
  total = 0;
  errors = 0;

  record(action: string, ms: number, error?: string) {
    this.total++;
    const samples = this.latencies.get(action) ?? [];
    this.latencies.set(action, samples);
    samples.push(ms);
    if (error !== undefined) {
      this.errors++;
      this.failures.set(action, (this.failures.get(action) ?? 0) + 1);
      this.lastErrors.push(`${action}: ${error}`);
      if (this.lastErrors.length > 5) this.lastErrors.shift();
    }
  }

  /** The few latest failures, to show what went wrong. */
  recentErrors(): readonly string[] {
    return this.lastErrors;
  }

  summary(): ActionSummary[] {
    return [...this.latencies.entries()]
      .map(([action, samples]) => ({
        action,
        errors: this.failures.get(action) ?? 0,
        ...summarize(samples),
      }))
      .sort((a, b) => a.action.localeCompare(b.action));
  }
}
