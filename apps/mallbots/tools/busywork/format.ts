import type { BusyworkReport, Progress } from './run.js';
import type { LatencySummary } from './stats.js';

const ORDER_STATES = ['unseen', 'pending', 'approved', 'ready', 'completed', 'rejected', 'canceled'];

export function progressLine(progress: Progress): string {
  const orders = ORDER_STATES.filter((state) => progress.orders[state])
    .map((state) => `${state} ${progress.orders[state]}`)
    .join(', ');
  return `${progress.phase === 'drain' ? 'draining' : 'load'} ${(progress.elapsedMs / 1000).toFixed(0)}s  ${progress.actionsPerSecond.toFixed(1)} actions/s  ${progress.errors} errors  orders: ${orders || 'none'}`;
}

const ms = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(1));
const table = (rows: string[][]) => {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  '),
    )
    .join('\n');
};
const latencyRow = (name: string, summary: LatencySummary) => [
  name,
  String(summary.count),
  ms(summary.p50),
  ms(summary.p95),
  ms(summary.p99),
];

/** The final report as text tables. */
export function reportText(report: BusyworkReport): string {
  const lines = [
    `busywork against ${report.url}: ${report.clients} clients, mix ${report.mix}, pace ${report.paceMs} ms, seed ${report.seed}`,
    `load ${report.loadSeconds} s, drain ${report.drainSeconds} s: ${report.totalActions} actions (${report.actionsPerSecond}/s), ${report.errors} errors`,
    '',
    table([
      ['action', 'count', 'errors', 'p50 ms', 'p95 ms', 'p99 ms'],
      ...report.actions.map((a) => [
        a.action,
        String(a.count),
        String(a.errors),
        ms(a.p50),
        ms(a.p95),
        ms(a.p99),
      ]),
    ]),
    '',
    `orders: ${report.orders.total} made; completed ${report.orders.completed}, rejected ${report.orders.rejected}, canceled ${report.orders.canceled}, still open ${report.orders.open}`,
    `${report.checkoutsPerSecond} checkouts/s, ${report.completedPerSecond} completed orders/s during the load`,
    table([
      ['from checkout to', 'orders', 'p50 ms', 'p95 ms', 'p99 ms'],
      latencyRow('approved', report.checkoutToApproved),
      latencyRow('ready', report.checkoutToReady),
    ]),
    '',
  ];
  if (report.recentErrors.length > 0)
    lines.push('latest errors:', ...report.recentErrors.map((e) => `  ${e}`), '');
  if (report.drainTimedOut) {
    lines.push(`FAILED: ${report.orders.open} orders still open when the drain timed out:`);
    for (const { orderId, status } of report.openOrders) lines.push(`  ${orderId} ${status}`);
  }
  for (const violation of report.violations.slice(0, 20))
    lines.push(`FAILED: order ${violation.orderId} ${violation.problem}`);
  if (report.violations.length > 20) lines.push(`… and ${report.violations.length - 20} more violations`);
  lines.push(
    report.ok
      ? 'invariants hold: every order ended in exactly one terminal state; every completed order was paid exactly once'
      : `invariants FAILED (${report.violations.length} violations${report.drainTimedOut ? ', drain timed out' : ''})`,
  );
  return lines.join('\n');
}
