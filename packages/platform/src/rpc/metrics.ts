import {
  defineCounter,
  defineGauge,
  defineTracedHistogram,
  durationBuckets,
} from '../observability/metrics.js';

export const rpcCalls = defineCounter({
  name: 'rpc_server_calls_total',
  help: 'RPC calls handled, by service, method and status code (a stream counts when it ends)',
  labelNames: ['service', 'method', 'code'],
});

export const rpcCallDuration = defineTracedHistogram({
  name: 'rpc_server_call_duration_seconds',
  help: 'How long RPC calls took, by service, method and status code (a stream: how long it stayed open)',
  labelNames: ['service', 'method', 'code'],
  buckets: durationBuckets(600),
});

export const rpcClientCalls = defineCounter({
  name: 'rpc_client_calls_total',
  help: 'RPC calls made to other services, by caller, target, method and outcome (ok, a status code, or circuit_open)',
  labelNames: ['caller', 'target', 'method', 'outcome'],
});

export const rpcClientRetries = defineCounter({
  name: 'rpc_client_retries_total',
  help: 'Attempts of RPC calls repeated after a transient failure, by caller, target and method',
  labelNames: ['caller', 'target', 'method'],
});

export const rpcCircuitState = defineGauge({
  name: 'rpc_client_circuit_state',
  help: 'The circuit breaker in front of a target service: 0 closed, 1 half-open, 2 open',
  labelNames: ['caller', 'target'],
});
