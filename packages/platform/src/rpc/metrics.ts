import client from 'prom-client';
import { metricsRegistry } from '../observability/index.js';

export const rpcCalls = new client.Counter({
  name: 'rpc_server_calls_total',
  help: 'RPC calls handled, by service, method and status code (a stream counts when it ends)',
  labelNames: ['service', 'method', 'code'] as const,
  registers: [metricsRegistry],
});

export const rpcCallDuration = new client.Histogram({
  name: 'rpc_server_call_duration_seconds',
  help: 'How long RPC calls took, by service, method and status code (a stream: how long it stayed open)',
  labelNames: ['service', 'method', 'code'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60, 600],
  registers: [metricsRegistry],
});
