export type { RpcAccess, RpcInput } from './access.js';
export { principalOf } from './access.js';
export type { ConnectClientOptions, ModuleClientOptions, ResilienceOptions } from './client.js';
export { bearerToken, connectClient, lookUpOverRpc } from './client.js';
export { ERROR_CODE_HEADER, ERROR_FIELD_HEADER, grpcCodeOf } from './errors.js';
export type { RpcRegistrar, RpcServer, RpcServerOptions } from './server.js';
export { createRpcServer } from './server.js';
