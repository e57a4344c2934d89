export type { ManualClock, ObservableClock } from './clock.js';
export { manualClock, onClockChange, systemClock } from './clock.js';
export type { DeadlineScheduler, DeadlinesOptions } from './deadlines.js';
export { createDeadlines } from './deadlines.js';
export { deadlinesFired, watchPendingDeadlines } from './metrics.js';
export type { Clock, Deadline, Deadlines } from './ports.js';
export { deadlineMigrations, deadlinesChannel } from './schema.js';
