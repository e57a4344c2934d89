export type { AttemptOptions, CircuitState, ResilienceOptions, ResilientCaller } from './client.js';
export {
  connectClient,
  resilientCaller,
  resilientClient,
  rpcCircuitState,
  rpcClientCalls,
  rpcClientRetries,
  TRANSIENT_CODES,
} from './client.js';
export { ERROR_CODE_HEADER, ERROR_FIELD_HEADER, toConnectError } from './errors.js';
export { rpcCallDuration, rpcCalls } from './metrics.js';
export type { RpcRegistrar, RpcServer, RpcServerOptions } from './server.js';
export { createRpcServer } from './server.js';
