export type { ResilienceOptions } from './client.js';
export { connectClient, lookUpOverRpc } from './client.js';
export { ERROR_CODE_HEADER, ERROR_FIELD_HEADER, grpcCodeOf } from './errors.js';
export type { RpcRegistrar, RpcServer, RpcServerOptions } from './server.js';
export { createRpcServer } from './server.js';
