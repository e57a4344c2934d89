export type { ManualClock } from './clock.js';
export { manualClock, systemClock } from './clock.js';
export type { DeadlineScheduler, DeadlinesOptions } from './deadlines.js';
export { createDeadlines } from './deadlines.js';
export type { Clock, Deadline, Deadlines } from './ports.js';
export { deadlineMigrations } from './schema.js';
