import type { HttpServer } from '../http/index.js';
import type { IdentityAccounts, Role } from '../identity/index.js';
import type { Broker, ChannelContract } from '../messaging/index.js';
import type { Logger } from '../observability/index.js';
import type { RpcRegistrar } from '../rpc/index.js';
import type { MigrationSet, SqlClient } from '../sql/index.js';

/**
 * Synchronous services modules offer each other, by the name their contract gives. In one process a module
 * provides its implementation and the others call it directly (joining the caller's transaction); when the
 * provider runs elsewhere nothing is provided here, and the consumer uses its remote adapter instead.
 */
export interface Services {
  provide<Service>(name: string, service: Service): void;
  /** The service if a module of this process provides it. Look it up when calling, not at start. */
  find<Service>(name: string): Service | undefined;
}

/** What the host gives a module's composition root. */
export interface ModuleContext {
  db: SqlClient;
  /** Publishing inside a transaction is transactional: the messages exist only if it commits. */
  broker: Broker;
  http: HttpServer;
  /** Where a module offers Connect (gRPC-compatible) services; the host serves them on the RPC port. */
  rpc: RpcRegistrar;
  logger: Logger;
  services: Services;
  /**
   * Where modules that run in other processes serve their RPC (`RPC_SERVICES`), by lower-case module name:
   * a consumer calls a service there when no module of this process provides it.
   */
  rpcServices: ReadonlyMap<string, string>;
  /**
   * Where a module of this application answers HTTP, its path prefix included (`http://127.0.0.1:8080/coffeeco`):
   * this process when the module runs here, else the address `HTTP_SERVICES` gives it (as the launcher's and
   * the deployments' module processes have it); undefined when neither. Ask when calling, not at start: the
   * process listens only once its modules have started.
   */
  httpAddressOf(module: string): string | undefined;
  /**
   * This process's own token (the service role), which a module's clients of other modules' RPC services send:
   * those services admit modules (and operators) only. Renewed before it expires.
   */
  serviceToken: () => Promise<string>;
  /** Where the module opens accounts for the people it knows (Customers for customers). */
  identity: IdentityAccounts;
}

/** A bounded context as the host sees it: its schema's migrations and a composition root. */
export interface Module {
  readonly name: string;
  /** Tag shown in the OpenAPI document for this module's routes. */
  readonly description: string;
  readonly migrations: readonly MigrationSet[];
  /** The channels and messages it publishes: its asynchronous public contract (AsyncAPI). */
  readonly publishes?: readonly ChannelContract[];
  /** The channels it receives commands on: the rest of its asynchronous contract. */
  readonly receives?: readonly ChannelContract[];
  /**
   * The roles its public contract declares (`defineRoles`): the built-in provider lets operators open staff
   * accounts with those not restricted to their own (ADR 0040).
   */
  readonly roles?: readonly Role[];
  /** Builds driven adapters, then the application, then the driver adapters (routes, handlers). */
  start(context: ModuleContext): Promise<RunningModule>;
}

export interface RunningModule {
  stop?(): Promise<void>;
}
