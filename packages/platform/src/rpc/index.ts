export { ERROR_CODE_HEADER, ERROR_FIELD_HEADER, toConnectError } from './errors.js';
export { rpcCallDuration, rpcCalls } from './metrics.js';
export type { RpcRegistrar, RpcServer, RpcServerOptions } from './server.js';
export { createRpcServer } from './server.js';
