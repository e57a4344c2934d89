import { describe, expect, it } from 'vitest';
import { reportText } from '../../../tools/busywork/format.js';
import type { BusyworkReport } from '../../../tools/busywork/run.js';
import { ActionStats, percentile, summarize } from '../../../tools/busywork/stats.js';

describe('latency percentiles', () => {
  it('are nearest-rank over the sorted samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 95)).toBe(95);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('see a slow tail that the median hides', () => {
    const samples = [...Array.from({ length: 98 }, () => 10), 500, 1_000];
    expect(summarize(samples)).toEqual({ count: 100, p50: 10, p95: 10, p99: 500 });
    expect(summarize([])).toEqual({ count: 0 });
  });
});

describe('the per-action report', () => {
  it('counts calls and errors per action, failed calls included in the latencies', () => {
    const stats = new ActionStats();
    stats.record('checkout', 20);
    stats.record('checkout', 40);
    stats.record('checkout', 900, 'answered 500');
    stats.record('addItem', 5);
    expect(stats.total).toBe(4);
    expect(stats.errors).toBe(1);
    expect(stats.summary()).toEqual([
      { action: 'addItem', errors: 0, count: 1, p50: 5, p95: 5, p99: 5 },
      { action: 'checkout', errors: 1, count: 3, p50: 40, p95: 900, p99: 900 },
    ]);
    expect(stats.recentErrors()).toEqual(['checkout: answered 500']);
  });

  it('keeps only the latest five errors to show', () => {
    const stats = new ActionStats();
    for (let i = 0; i < 8; i++) stats.record('pay', 1, `error ${i}`);
    expect(stats.recentErrors()).toEqual([
      'pay: error 3',
      'pay: error 4',
      'pay: error 5',
      'pay: error 6',
      'pay: error 7',
    ]);
    expect(stats.errors).toBe(8);
  });
});

describe('the report text', () => {
  const report: BusyworkReport = {
    url: 'http://127.0.0.1:8080',
    clients: 3,
    seed: 1,
    mix: 'buy',
    paceMs: 0,
    loadSeconds: 5,
    drainSeconds: 60,
    actions: [{ action: 'checkout', count: 4, errors: 1, p50: 12.5, p95: 30, p99: 30 }],
    totalActions: 4,
    actionsPerSecond: 0.8,
    errors: 1,
    recentErrors: ['checkout: answered 500'],
    orders: { total: 4, completed: 2, rejected: 0, canceled: 1, open: 1 },
    openOrders: [{ orderId: 'o-stuck', status: 'approved' }],
    checkoutsPerSecond: 0.8,
    completedPerSecond: 0.4,
    checkoutToApproved: { count: 3, p50: 100, p95: 200, p99: 200 },
    checkoutToReady: { count: 2, p50: 900, p95: 1000, p99: 1000 },
    violations: [{ orderId: 'o-double', problem: 'its invoice was paid 2 times' }],
    drainTimedOut: true,
    ok: false,
  };

  it('names the open orders, the violations and the failure', () => {
    const text = reportText(report);
    expect(text).toContain('completed 2, rejected 0, canceled 1, still open 1');
    expect(text).toContain('FAILED: 1 orders still open when the drain timed out:\n  o-stuck approved');
    expect(text).toContain('FAILED: order o-double its invoice was paid 2 times');
    expect(text).toContain('invariants FAILED (1 violations, drain timed out)');
    expect(text).toMatch(/checkout\s+4\s+1\s+12\.5\s+30\.0\s+30\.0/);
  });

  it('says the invariants hold when they do', () => {
    const text = reportText({ ...report, violations: [], drainTimedOut: false, ok: true, openOrders: [] });
    expect(text).not.toContain('FAILED');
    expect(text).toContain('invariants hold');
  });
});
