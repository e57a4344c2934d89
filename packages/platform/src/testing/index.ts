export { aggregateSpec } from './aggregate-spec.js';
export type { OpenedTestDatabase, TestDatabase } from './databases.js';
export { pgliteTestDatabase, postgresTestDatabase, testDatabases, testServerUrl } from './databases.js';
export type { Answer, Method, ProblemExpectation, RouteUnderTest, TestHost } from './http.js';
export { describeBadRequests, expectProblem, startTestHost, TEST_BODY_LIMIT, unknownId } from './http.js';
