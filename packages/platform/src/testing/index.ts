export { aggregateSpec } from './aggregate-spec.js';
export type { OpenedTestDatabase, TestDatabase } from './databases.js';
export { pgliteTestDatabase, postgresTestDatabase, testDatabases, testServerUrl } from './databases.js';
