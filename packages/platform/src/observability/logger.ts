import pino, { type DestinationStream, type Logger } from 'pino';
import { traceFields } from './trace-context.js';

export type { Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  level: string;
  /** `json` for machines (default in production), `pretty` for people at a terminal (see `logFormatOf`). */
  format: LogFormat;
  name?: string;
  /** Where lines go instead of stdout (a test reads them); JSON lines whatever the format. */
  destination?: DestinationStream;
}

/**
 * The log format: as `LOG_FORMAT` says, else pretty for a person at a terminal (stdout is a TTY) and JSON for
 * whatever collects the output (a container's log driver, a pipe, a file).
 */
export const logFormatOf = (configured: LogFormat | undefined, stdoutIsTty: boolean | undefined): LogFormat =>
  configured ?? (stdoutIsTty ? 'pretty' : 'json');

/** Structured logs: one JSON object a line, with the module or component as `name`. */
export function createLogger(options: LoggerOptions): Logger {
  const settings: pino.LoggerOptions = {
    level: options.level,
    name: options.name,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Inside a request or a message handling: its correlation and trace ids, so logs join up across modules.
    mixin: traceFields,
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  };
  if (options.destination) return pino(settings, options.destination);
  return pino({
    ...settings,
    ...(options.format === 'pretty'
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l' } } }
      : {}),
  });
}
