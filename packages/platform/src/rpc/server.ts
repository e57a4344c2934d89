import { randomUUID } from 'node:crypto';
import http2 from 'node:http2';
import type { Socket } from 'node:net';
import type { DescService } from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  type ConnectRouter,
  type Interceptor,
  type ServiceImpl,
} from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { trace } from '@opentelemetry/api';
import type { TokenVerifier } from '../identity/index.js';
import type { Logger } from '../observability/index.js';
import { sampledSpanContext } from '../observability/metrics.js';
import {
  contextOfHeaders,
  failSpan,
  runInContext,
  SpanKind,
  tracer,
  withConversation,
} from '../observability/trace-context.js';
import { authorizing, checkAccess, type RpcAccess } from './access.js';
import { toConnectError } from './errors.js';
import { rpcCallDuration, rpcCalls } from './metrics.js';

/**
 * How a module's composition root offers a Connect service: the protobuf service, its implementation, and who
 * may call it (`RpcAccess`), as every HTTP route declares its audience. A service without one, or one whose
 * access needs tokens the server cannot check, is refused at once: the server does not start.
 */
export interface RpcRegistrar {
  service<Service extends DescService>(
    service: Service,
    implementation: Partial<ServiceImpl<Service>>,
    access: RpcAccess<Service>,
  ): void;
}

export interface RpcServer {
  readonly registrar: RpcRegistrar;
  /** Whether any service was registered: the host serves the port only then. */
  hasServices(): boolean;
  /** Starts serving; resolves to the bound port. */
  listen(port: number, host: string): Promise<number>;
  /**
   * Ends every call: open streams are told Unavailable (their handlers' signals abort), then the connections
   * close. Connections still open after `graceMs` are destroyed, so a stop never hangs on a client.
   */
  close(graceMs?: number): Promise<void>;
}

export interface RpcServerOptions {
  logger: Logger;
  /** Checks the callers' bearer tokens (the verifier HTTP uses); without one, only services open to anyone. */
  verifier?: TokenVerifier;
  /** Largest accepted request message, in bytes. */
  readMaxBytes?: number;
}

/** `not_found`, as the domain's kinds and gRPC's documentation spell them. */
const codeName = (code: Code | undefined) =>
  code === undefined ? 'ok' : Code[code].replace(/(?<=[a-z])(?=[A-Z])/g, '_').toLowerCase();

/**
 * One log line, one count and one duration per call (a stream: when it ends, with how it ended), and every
 * failure through `toConnectError`. Each call is its own span of the caller's trace, as HTTP requests are.
 */
function observed(logger: Logger, shutdown: AbortSignal): Interceptor {
  return (next) => async (request) => {
    const started = performance.now();
    const service = request.service.typeName;
    const method = request.method.name;
    const header = (name: string) => request.header.get(name) ?? undefined;
    const given = header('x-correlation-id');
    const parent = contextOfHeaders({
      ...(header('traceparent') ? { traceparent: header('traceparent') } : {}),
      ...(header('tracestate') ? { tracestate: header('tracestate') } : {}),
      ...(header('baggage') ? { baggage: header('baggage') } : {}),
    });
    // The RPC semantic conventions' server span, in the caller's trace (ADR 0045).
    const span = tracer().startSpan(
      `${service}/${method}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'rpc.system': 'connect_rpc', 'rpc.service': service, 'rpc.method': method },
      },
      parent,
    );
    const context = withConversation(trace.setSpan(parent, span), {
      correlationId: given && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID(),
    });
    const child = logger.child({ rpc: `${service}/${method}` });
    // Lines written in the call's context carry its correlation and trace ids (the logger's mixin).
    const log = {
      info: (fields: object, message: string) => runInContext(context, () => child.info(fields, message)),
      error: (fields: object, message: string) => runInContext(context, () => child.error(fields, message)),
    };
    const fail = (error: unknown) =>
      toConnectError(error, (internal) => log.error({ err: internal }, 'rpc call failed'));
    let done = false;
    const finish = (error?: ConnectError) => {
      if (done) return;
      done = true;
      const code = codeName(error?.code);
      const seconds = (performance.now() - started) / 1000;
      span.setAttribute('rpc.connect_rpc.error_code', code);
      if (error && error.code !== Code.Canceled) failSpan(span, error);
      // Before the span ends: an ended span records nothing, and gives no exemplar.
      rpcCallDuration.observe({ service, method, code }, seconds, sampledSpanContext(span));
      span.end();
      rpcCalls.inc({ service, method, code });
      log.info(
        { code, ms: Math.round(seconds * 1000), ...(error ? { error: error.rawMessage } : {}) },
        'rpc completed',
      );
    };
    try {
      const response = await runInContext(context, () => next(request));
      if (!response.stream) {
        finish();
        return response;
      }
      const messages = response.message[Symbol.asyncIterator]();
      async function* watched() {
        let ended = false;
        try {
          // Each step of the handler runs in the call's trace context, as a unary handler does.
          for (;;) {
            const next = await runInContext(context, () => messages.next());
            if (next.done) break;
            yield next.value;
          }
          ended = true;
          // A handler that ends its stream because the server stops did not finish its work: the client
          // must hear Unavailable (and reconnect, here or elsewhere), not a normal end.
          if (shutdown.aborted) throw shutdown.reason;
          finish();
        } catch (error) {
          const mapped = fail(error);
          finish(mapped);
          throw mapped;
        } finally {
          if (!ended) await runInContext(context, async () => messages.return?.());
          // Ended by the client (or by the server writing to a gone client): neither ok nor an error of ours.
          finish(new ConnectError('the client ended the stream', Code.Canceled));
        }
      }
      return { ...response, message: watched() };
    } catch (error) {
      const mapped = fail(error);
      finish(mapped);
      throw mapped;
    }
  };
}

/**
 * Connect services on their own HTTP/2 cleartext (h2c) port: gRPC clients, gRPC-Web and Connect clients
 * (over HTTP/2) can all call them (ADR 0016).
 */
export function createRpcServer(options: RpcServerOptions): RpcServer {
  const services: Array<(router: ConnectRouter) => void> = [];
  const accesses = new Map<string, RpcAccess>();
  const shutdown = new AbortController();
  const sessions = new Set<http2.Http2Session>();
  // Destroying a session does not always release its socket (Node 20), and the server closes only when every
  // socket has: the sockets are what a forced stop ends.
  const sockets = new Set<Socket>();
  let server: http2.Http2Server | undefined;

  return {
    registrar: {
      service(service, implementation, declared) {
        // Checked at run time too: JavaScript callers (and casts) can leave it out.
        const access = declared as unknown as RpcAccess | undefined;
        checkAccess(service, access, options.verifier);
        if (accesses.has(service.typeName)) {
          throw new Error(`the RPC service ${service.typeName} is registered twice`);
        }
        accesses.set(service.typeName, access as RpcAccess);
        services.push((router) => router.service(service, implementation));
        options.logger.debug({ service: service.typeName }, 'rpc service registered');
      },
    },
    hasServices: () => services.length > 0,

    async listen(port, host) {
      const handler = connectNodeAdapter({
        routes: (router) => {
          for (const register of services) register(router);
        },
        // Outermost first: a refused call is logged and counted like any other.
        interceptors: [
          observed(options.logger, shutdown.signal),
          authorizing(options.verifier, (service) => accesses.get(service)),
        ],
        shutdownSignal: shutdown.signal,
        readMaxBytes: options.readMaxBytes ?? 4 * 1_048_576,
      });
      const listening = http2.createServer(handler);
      listening.on('session', (session) => {
        sessions.add(session);
        session.once('close', () => sessions.delete(session));
      });
      listening.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(port, host, () => {
          listening.off('error', reject);
          resolve();
        });
      });
      server = listening;
      const address = listening.address();
      return typeof address === 'object' && address ? address.port : port;
    },

    async close(graceMs = 5_000) {
      const listening = server;
      if (!listening) return;
      server = undefined;
      shutdown.abort(new ConnectError('the server is shutting down', Code.Unavailable));
      const closed = new Promise<void>((resolve) => listening.close(() => resolve()));
      for (const session of sessions) session.close();
      const timer = setTimeout(() => {
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
