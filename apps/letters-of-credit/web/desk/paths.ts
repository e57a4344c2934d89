import type { WorkQueue } from '../src/lc.js';

export const BASE = '/letters-of-credit/desk/';
export const queuePath = (queue: WorkQueue) => `${BASE}queues/${queue}`;
export const applicationPath = (id: string) => `${BASE}applications/${id}`;
