export { ADMIN_TAG, registerAdminRoutes } from './admin-routes.js';
export type {
  Application,
  ApplicationDefinition,
  Companion,
  CompanionContext,
  RunningCompanion,
} from './application.js';
export { defineApplication, isApplication, selectApplications, selectModules } from './application.js';
export { brokerMigrations, openBroker } from './broker.js';
export type { CliOptions } from './cli.js';
export { CLI_USAGE, runCli } from './cli.js';
export type { Config } from './config.js';
export { ConfigError, configSchema, DEFAULT_RPC_PORT, loadConfig, rpcPortOf } from './config.js';
export { discoverApplications } from './discover.js';
export { collectProblems, exitOnConfigError, loadEnvFile, orExit } from './entry-config.js';
export type { GatewayOptions } from './gateway/gateway.js';
export { createGateway } from './gateway/gateway.js';
export { mergeOpenApi, publicPath } from './gateway/openapi.js';
export type { Host, HostOptions, MountedApplication } from './host.js';
export { startHost, stopOnSignals } from './host.js';
export { landingPage } from './landing.js';
export type { LaunchDistributedOptions, LaunchedTopology } from './launcher/child.js';
export { launchDistributed } from './launcher/child.js';
export { dropDatabases, provisionDatabases } from './launcher/databases.js';
export type { LauncherSettings, ModuleProcess, Plan } from './launcher/plan.js';
export { launcherSettings, planTopology, portsFrom } from './launcher/plan.js';
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
export type { Served } from './serve.js';
export { chooseMounted, processTitle, serve } from './serve.js';
export type { ServiceAddresses } from './service-addresses.js';
export { formatServiceAddresses, parseServiceAddresses } from './service-addresses.js';
