/**
 * Base of every area's error. `code` is a stable string that the GraphQL edge maps to an
 * `extensions.code`; `message` is safe to show to the caller.
 */
export abstract class DomainError<Code extends string = string> extends Error {
  abstract readonly area: string;
  constructor(
    readonly code: Code,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
