import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';

describe('a unit test', () => {
  it('cannot open a connection, listen on a port or start a process', () => {
    expect(() => connect(5432, '127.0.0.1')).toThrow(/a unit test may not open a connection/);
    expect(() => createServer().listen(0)).toThrow(/a unit test may not listen on a port/);
    expect(() => spawn(process.execPath, ['--version'])).toThrow(/a unit test may not start a process/);
  });
});
