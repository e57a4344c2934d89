export { ADMIN_TAG, registerAdminRoutes } from './admin-routes.js';
export { brokerMigrations, openBroker } from './broker.js';
export type { Config } from './config.js';
export { ConfigError, configSchema, DEFAULT_RPC_PORT, loadConfig, rpcPortOf } from './config.js';
export type { Host, HostOptions } from './host.js';
export { startHost, stopOnSignals } from './host.js';
export type { Module, ModuleContext, RunningModule, Services } from './module.js';
export type { OpsCommand, OpsIo, RunOpsOptions } from './ops-cli.js';
export {
  executeOps,
  OPS_USAGE,
  parseOpsArgs,
  redriveGroup,
  runOps,
  runOpsCli,
  UsageError,
} from './ops-cli.js';
