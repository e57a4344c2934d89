export { aggregateSpec } from './aggregate-spec.js';
export type { OpenedTestDatabase, TestDatabase } from './databases.js';
export { pgliteTestDatabase, postgresTestDatabase, testDatabases, testServerUrl } from './databases.js';
export type {
  Answer,
  DocumentedOperation,
  Method,
  ProblemExpectation,
  RouteUnderTest,
  TestHost,
} from './http.js';
export {
  describeBadRequests,
  expectDocumentedRoutes,
  expectProblem,
  startTestHost,
  TEST_BODY_LIMIT,
  unknownId,
} from './http.js';
export type { TestBrokerKind } from './nats.js';
export { deleteTestStream, testNatsUrl, testSetups, uniqueTestStream } from './nats.js';
