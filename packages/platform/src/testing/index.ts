export { aggregateSpec } from './aggregate-spec.js';
export type { OpenedBatchBroker } from './batch-handler-conformance.js';
export { batchHandlerConformance } from './batch-handler-conformance.js';
/** Where a benchmark ran and its scratch databases' server, for every benchmark (the platform's and the applications'). */
export * as benchMachine from './bench-machine.js';
/**
 * The conformance suites every broker adapter passes: its test file opens the broker under test and calls
 * `brokerConformance(name, open)` and `batchHandlerConformance(name, open)` (see broker-conformance.ts).
 */
export type { OpenedBroker } from './broker-conformance.js';
export { brokerConformance } from './broker-conformance.js';
export { conditions, signals } from './conditions.js';
export type { OpenedTestDatabase, TestDatabase } from './databases.js';
export { pgliteTestDatabase, postgresTestDatabase, testDatabases, testServerUrl } from './databases.js';
export type {
  Acting,
  Answer,
  Caller,
  DocumentedOperation,
  Method,
  ProblemExpectation,
  RouteUnderTest,
  TestHost,
} from './http.js';
export {
  authBeside,
  authorizationFor,
  describeBadRequests,
  expectDocumentedRoutes,
  expectProblem,
  startTestHost,
  TEST_BODY_LIMIT,
  TEST_OPERATOR,
  testConfig,
  unknownId,
} from './http.js';
export type { TestIdentity } from './identity.js';
export { testIdentity } from './identity.js';
export type { EventStream, ServerSentEvent } from './live.js';
export { openEventStream } from './live.js';
export type { MessageRecorder } from './messages.js';
export { recordMessages } from './messages.js';
export type { TestBrokerKind } from './nats.js';
export { deleteTestStream, testNatsUrl, testSetups, uniqueTestStream } from './nats.js';
export type { ListItems } from './paging.js';
export { expectPagedList, walkPages } from './paging.js';
export { exclusively, freePort, outsideEnvironment, runCommand } from './processes.js';
export { describeProtobufContracts } from './protobuf.js';
export type { SpanTree } from './spans.js';
export { spanIdOf, spanTree, traceIdOf } from './spans.js';
export type { Login, RunningSystem, StartSystemOptions, SystemProfile } from './system.js';
export { eventually, SYSTEM_PROFILES, startSystem } from './system.js';
export type { PersonAccount, Reply, SystemActor, SystemClient } from './system-client.js';
export { succeeded, systemClient } from './system-client.js';
