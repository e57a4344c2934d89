import { ConnectError } from '@connectrpc/connect';

/** The ConnectError a call fails with; a call that succeeds fails the test. */
export async function failure(call: () => Promise<unknown>): Promise<ConnectError> {
  try {
    await call();
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('the call succeeded');
}
