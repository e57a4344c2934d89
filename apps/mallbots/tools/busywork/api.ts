import { passwordToken } from '@tessera/platform/identity';
import type { ActionStats } from './stats.js';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** A refused or failed call, after it was counted as an error of its action. */
export class CallFailed extends Error {}

/**
 * The public REST API as the load generator's clients call it: each call is an action whose latency is
 * recorded, and whose answer is an error unless its status is one the caller expects.
 */
export function restApi(
  baseUrl: string,
  stats: ActionStats,
  options: { login?: { username: string; password: string }; timeoutMs?: number } = {},
) {
  const base = baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  // Everyone the load generator plays acts through one login, the operator's by default.
  const token = options.login
    ? passwordToken({ tokenUrl: `${base}/oauth/token`, ...options.login })
    : undefined;
  async function call<T = Record<string, unknown>>(
    action: string,
    method: string,
    path: string,
    body?: unknown,
    expected: readonly number[] = [200, 201, 204],
  ): Promise<Answer<T>> {
    const started = performance.now();
    let status = 0;
    let text = '';
    try {
      const credentials: Record<string, string> = token ? { authorization: `Bearer ${await token()}` } : {};
      const response = await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? credentials : { ...credentials, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      stats.record(action, performance.now() - started, (error as Error).message);
      throw new CallFailed(`${action}: ${(error as Error).message}`);
    }
    const ms = performance.now() - started;
    if (!expected.includes(status)) {
      const error = `${method} ${path} answered ${status} ${text.slice(0, 200)}`;
      stats.record(action, ms, error);
      throw new CallFailed(`${action}: ${error}`);
    }
    stats.record(action, ms);
    return { status, body: (text ? JSON.parse(text) : {}) as T };
  }
  return { call };
}

export type RestApi = ReturnType<typeof restApi>;
