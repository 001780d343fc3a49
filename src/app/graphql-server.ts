import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { contextFor, type AppServices, type GraphQLContext } from '../graphql/context.js';
import { maskError } from '../graphql/errors.js';
import { schema } from '../graphql/schema.js';
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
  log: Logger;
}

/** GraphQL over HTTP (graphql-yoga) and over WebSocket (graphql-ws), one schema, one context. */
export function createGraphQLServer({ services, trustProxy, wsRecheckIntervalMs, log }: GraphQLServerOptions): GraphQLServer {
  const yoga = createYoga<{ req: IncomingMessage }, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    context: async (initial) => {
      const origin = requestOrigin(initial.req, trustProxy);
      // graphql-ws authenticated the connection once (onConnect); HTTP requests each carry a header.
      const ws = (initial as { wsAuthentication?: Authentication }).wsAuthentication;
      const auth = ws ?? (await authenticate(services, credentialOf(initial.req.headers.authorization), origin.remoteAddress));
      return contextFor(services, auth, { remoteAddress: origin.remoteAddress ?? null });
    },
    maskedErrors: { maskError },
    logging: false,
    landingPage: false,
  });

  const graphqlWs = new WebSocketServer({ noServer: true });
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
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [err as never];
        }
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
      },
    },
    graphqlWs,
  );

  return {
    yoga,
    handleUpgrade: (req, socket, head) => graphqlWs.handleUpgrade(req, socket, head, (ws) => graphqlWs.emit('connection', ws, req)),
    close: () => wsCleanup.dispose() as Promise<void>,
  };
}

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => never;
  subscribe: (args: ExecutionArgs) => never;
}
