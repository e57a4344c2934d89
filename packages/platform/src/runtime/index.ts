export type { Config } from './config.js';
export { ConfigError, configSchema, loadConfig } from './config.js';
export type { Host, HostOptions } from './host.js';
export { startHost, stopOnSignals } from './host.js';
export type { Module, ModuleContext, RunningModule } from './module.js';
