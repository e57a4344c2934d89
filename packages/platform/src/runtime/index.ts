export { ADMIN_TAG } from './admin-routes.js';
export type {
  Application,
  ApplicationDefinition,
  ApplicationWeb,
  Companion,
  CompanionContext,
  RunningCompanion,
  WebPage,
} from './application.js';
export { defineApplication, selectModules } from './application.js';
export { openBroker } from './broker.js';
export type { CliOptions } from './cli.js';
export { runCli } from './cli.js';
export type { Config } from './config.js';
export { ConfigError, configSchema, DEFAULT_RPC_PORT, loadConfig, parseEnv, rpcPortOf } from './config.js';
export type { GeneratedFile } from './deployment/files.js';
export {
  deploymentFiles,
  deploymentSettings,
  imageEntry,
  kubernetesFolder,
  renderDeployment,
  renderGenerated,
  staleGeneratedFiles,
  writeDeploymentFiles,
} from './deployment/files.js';
export type { DeploymentSettings } from './deployment/render.js';
export { REGENERATE } from './deployment/render.js';
export { discoverApplications } from './discover.js';
export type { Host, HostOptions, MountedApplication } from './host.js';
export { startHost } from './host.js';
export type { LaunchDistributedOptions, LaunchedTopology } from './launcher/child.js';
export { launchDistributed } from './launcher/child.js';
export { dropDatabases } from './launcher/databases.js';
export type { LauncherSettings, ModuleProcess, Plan } from './launcher/plan.js';
export { launcherSettings, planTopology, portsFrom } from './launcher/plan.js';
export type { Module, ModuleContext, RunningModule, Services } from './module.js';
export type { ServiceAddresses, ServiceLocation, ServiceLookup } from './service-addresses.js';
export { locateService, parseServiceAddresses } from './service-addresses.js';
export type { Stoppable } from './stopping.js';
export { stopsInTurn } from './stopping.js';
export { registerWebPages } from './web.js';
