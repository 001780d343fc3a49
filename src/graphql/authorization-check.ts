import { isObjectType, type GraphQLSchema } from 'graphql';

// Types the relay plugin generates around a list; the field returning them carries the rule.
const STRUCTURAL = (name: string) => name === 'PageInfo' || name.endsWith('Connection') || name.endsWith('Edge');

function hasRule(extensions: Record<string, unknown> | null | undefined): boolean {
  const options = (extensions?.pothosOptions ?? {}) as { authScopes?: unknown };
  return options.authScopes !== undefined;
}

/**
 * Deny by default, checked when the schema is built: every root field and every object type
 * must state its authorization rule (`authScopes`). Returns what lacks one.
 */
export function fieldsWithoutRule(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean));
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    if (roots.has(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!hasRule(field.extensions)) missing.push(`${type.name}.${field.name}`);
      }
    } else if (!STRUCTURAL(type.name) && !hasRule(type.extensions)) {
      const fields = Object.values(type.getFields());
      if (!fields.every((f) => hasRule(f.extensions))) missing.push(type.name);
    }
  }
  return missing;
}
