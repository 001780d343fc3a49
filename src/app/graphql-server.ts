import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createGraphQLError, createYoga, type YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer, type WebSocket } from 'ws';
import { contextFor, type AppServices, type GraphQLContext } from '../graphql/context.js';
import { maskError } from '../graphql/errors.js';
import { queryLimitPlugins } from '../graphql/query-limits.js';
import { callerKey, CallerRateLimiter } from '../graphql/rate-limit.js';
import { schema } from '../graphql/schema.js';
import type { Config } from '../config.js';
import { authenticate, credentialOf, type Authentication } from '../http/authenticate.js';
import { requestOrigin } from '../http/request-origin.js';
import type { Logger } from '../logger.js';

export interface GraphQLServer {
  yoga: YogaServerInstance<{ req: IncomingMessage }, GraphQLContext>;
  /** Takes a WebSocket upgrade on /graphql (graphql-ws). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every graphql-ws connection. */
  close(): Promise<void>;
}

export interface GraphQLServerOptions {
  services: AppServices;
  trustProxy: boolean;
  wsRecheckIntervalMs: number;
  limits: Config['graphqlLimits'];
  log: Logger;
}

/** GraphQL over HTTP (graphql-yoga) and over WebSocket (graphql-ws), one schema, one context. */
export function createGraphQLServer({ services, trustProxy, wsRecheckIntervalMs, limits, log }: GraphQLServerOptions): GraphQLServer {
  const rateLimiter = new CallerRateLimiter(limits.ratePerSecond, limits.rateBurst);
  const yoga = createYoga<{ req: IncomingMessage }, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    context: async (initial) => {
      const origin = requestOrigin(initial.req, trustProxy);
      // graphql-ws authenticated the connection once (onConnect); HTTP requests each carry a header.
      const ws = (initial as { wsAuthentication?: Authentication }).wsAuthentication;
      const auth = ws ?? (await authenticate(services, credentialOf(initial.req.headers.authorization), origin.remoteAddress));
      // Every operation (an HTTP request or a graphql-ws subscribe) takes one token of its caller.
      const retryAfter = rateLimiter.take(callerKey(auth.viewer, origin.remoteAddress ?? null));
      if (retryAfter !== null) {
        throw createGraphQLError('Too many requests: slow down and retry later', {
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter, http: { status: 429, headers: { 'Retry-After': String(retryAfter) } } },
        });
      }
      return contextFor(services, auth, { remoteAddress: origin.remoteAddress ?? null });
    },
    plugins: queryLimitPlugins(limits),
    maskedErrors: { maskError },
    logging: false,
    landingPage: false,
  });

  const graphqlWs = new WebSocketServer({ noServer: true, maxPayload: limits.maxBodyBytes });
  const wsCleanup = useServer<Record<string, unknown>, { authentication?: Authentication; recheck?: NodeJS.Timeout }>(
    {
      // The connection param `authorization` authenticates the whole connection; a credential
      // that is presented and refused closes it (4403), as the protocol's onConnect allows.
      // A long-lived connection is checked again every AUTH_WS_RECHECK_INTERVAL: once its
      // credential expires or is revoked, or the account's role changes, it is closed (4403)
      // and the client reconnects with a fresh token, so subscriptions never outlive access.
      onConnect: async (ctx) => {
        const origin = requestOrigin(ctx.extra.request, trustProxy);
        const credential = credentialOf(ctx.connectionParams?.authorization);
        const auth = await authenticate(services, credential, origin.remoteAddress);
        if (auth.rejected) return false;
        ctx.extra.authentication = auth;
        if (credential && auth.viewer) {
          const before = JSON.stringify(auth.viewer);
          ctx.extra.recheck = setInterval(() => {
            void authenticate(services, credential, origin.remoteAddress)
              .then((again) => {
                if (JSON.stringify(again.viewer) !== before) ctx.extra.socket.close(4403, 'Forbidden: credential expired or changed');
              })
              .catch((err) => log.warn('could not re-check a graphql-ws credential', { err }));
          }, wsRecheckIntervalMs);
          ctx.extra.recheck.unref();
        }
        return true;
      },
      onClose: (ctx) => clearInterval(ctx.extra.recheck),
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        const { schema: s, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          wsAuthentication: ctx.extra.authentication ?? { viewer: null, rejected: false },
        });
        // Parse, validate (with the query limits) and the context (with the rate limit) throw
        // GraphQL errors with a code; each becomes this operation's error message.
        try {
          const document = parse(payload.query);
          const errors = validate(s, document);
          if (errors.length > 0) return errors;
          return {
            schema: s,
            operationName: payload.operationName,
            document,
            variableValues: payload.variables,
            contextValue: await contextFactory(),
            rootValue: { execute, subscribe },
          };
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
      },
    },
    graphqlWs,
  );

  return {
    yoga,
    handleUpgrade: (req, socket, head) =>
      graphqlWs.handleUpgrade(req, socket, head, (ws) => {
        cutOffSlowConsumer(ws, limits.wsMaxBufferedBytes, log);
        graphqlWs.emit('connection', ws, req);
      }),
    close: () => wsCleanup.dispose() as Promise<void>,
  };
}

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => never;
  subscribe: (args: ExecutionArgs) => never;
}

// A client that stops reading makes every message it is sent pile up in this process. Once
// the socket's unsent bytes pass the bound the connection is dropped (terminate: a close
// frame would only queue behind the same backlog, so the client sees 1006 when it reads
// again and reconnects), so memory stays bounded and the publisher never waits for it.
// graphql-ws awaits each send's callback before taking a subscription's next event, and ws
// calls it only once the kernel took the bytes: passed through, a stalled client's events
// would wait in the subscription's event buffer (up to its 20,000 events) while
// bufferedAmount stays at one message and never reaches the bound. So the callback is
// answered as soon as the message is queued, and the backlog is counted where it is.
function cutOffSlowConsumer(ws: WebSocket, maxBufferedBytes: number, log: Logger): void {
  const send = ws.send.bind(ws) as (data: unknown, cb?: (err?: Error) => void) => void;
  (ws as { send: unknown }).send = (data: unknown, cb?: (err?: Error) => void) => {
    if (ws.bufferedAmount > maxBufferedBytes) {
      if (ws.readyState === ws.OPEN) {
        log.warn('cutting off a graphql-ws client that stopped reading', { bufferedAmount: ws.bufferedAmount });
        ws.terminate();
      }
      cb?.(new Error('connection cut off: client stopped reading'));
      return;
    }
    // A failed write closes the socket, which ends its subscriptions; nothing to tell the caller.
    send(data, () => {});
    cb?.();
  };
}
