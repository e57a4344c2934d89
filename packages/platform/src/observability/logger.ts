import pino, { type Logger } from 'pino';
import { traceFields } from './trace-context.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  /** `json` for machines (default in production), `pretty` for people at a terminal. */
  format: 'json' | 'pretty';
  name?: string;
}

/** Structured logs: one JSON object a line, with the module or component as `name`. */
export function createLogger(options: LoggerOptions): Logger {
  return pino({
    level: options.level,
    name: options.name,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Inside a request or a message handling: its correlation and trace ids, so logs join up across modules.
    mixin: traceFields,
    redact: ['req.headers.authorization', 'req.headers.cookie'],
    ...(options.format === 'pretty'
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l' } } }
      : {}),
  });
}
