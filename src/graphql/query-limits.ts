import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLError, ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
  maxDirectives: number;
}

// graphql-armor reports every refusal as a bare "Syntax Error"; each of ours carries its own code
// so a client (and a dashboard) can tell a too-deep query from a too-costly one. The error is
// then thrown by armor (from parse or validate) and answered like any GraphQL error.
const as = (code: string) => ({
  propagateOnRejection: true,
  onReject: [
    (_ctx: ValidationContext | null, error: GraphQLError): void => {
      error.message = error.message.replace(/^Syntax Error: /, '');
      (error.extensions as Record<string, unknown>).code = code;
    },
  ],
});

/**
 * Validation rules (graphql-armor) that refuse abusive documents before anything executes.
 * They run in yoga's validate, which graphql-ws operations go through too. Introspection
 * (`__schema`) is left out of depth and cost so tooling keeps working.
 */
export function queryLimitPlugins(limits: QueryLimits): Plugin[] {
  return [
    maxTokensPlugin({ n: limits.maxTokens, ...as('QUERY_TOO_LARGE') }),
    maxDepthPlugin({ n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...as('QUERY_TOO_DEEP') }),
    maxAliasesPlugin({ n: limits.maxAliases, ...as('TOO_MANY_ALIASES') }),
    maxDirectivesPlugin({ n: limits.maxDirectives, ...as('TOO_MANY_DIRECTIVES') }),
    costLimitPlugin({ maxCost: limits.maxCost, ignoreIntrospection: true, ...as('QUERY_TOO_COMPLEX') }),
  ] as Plugin[];
}
