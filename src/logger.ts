import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger adding `bindings` to every line (a component, a station, a request). */
  child(bindings: Record<string, unknown>): Logger;
}

/** Where lines go instead of stderr (tests): anything with a write(line) method. */
export type LogDestination = pino.DestinationStream;

// Field names whose values never reach the log, at the top of a line and one or two objects
// down (`{ headers: { authorization } }`, `{ input: { auth: { password } } }`). A value that
// must be logged (a development-only reset token) goes under a name that is not listed.
const SECRET_FIELDS = ['password', 'newPassword', 'currentPassword', 'token', 'accessToken', 'refreshToken', 'authorization', 'cookie', 'secret', 'apiKey'];
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((name) => [name, `*.${name}`, `*.*.${name}`]);

// One stderr destination per process, written asynchronously (lines are buffered and written
// in the background instead of blocking the event loop on every line).
let stderr: pino.DestinationStream & { flushSync(): void } | null = null;
function stderrDestination() {
  stderr ??= pino.destination({ dest: 2, sync: false });
  return stderr;
}

/**
 * Writes what is still buffered for stderr, synchronously. pino also does this on process
 * exit; a caller about to exit calls it anyway so the last lines do not hang on that hook.
 */
export function flushLogs(): void {
  try {
    stderr?.flushSync();
  } catch {
    // Not open yet or already closed: nothing buffered that could still be written.
  }
}

// One JSON object per line on stderr: easy to grep, easy to ship to a log store.
// {"level":"info","time":"…","msg":"…",<base and child bindings>,<fields>}
export function createLogger(level: LogLevel, base: Record<string, unknown> = {}, destination?: LogDestination): Logger {
  const root = pino(
    {
      level,
      base: null, // no pid and hostname: a deployment's log shipper knows those
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Errors are turned into { name, message, stack } below; pino's own err serializer
      // would turn that object into another shape.
      serializers: { err: (value: unknown) => value },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination ?? stderrDestination(),
  );
  return wrap(Object.keys(base).length ? root.child(serialize(base)) : root);
}

function wrap(logger: pino.Logger): Logger {
  // The message goes in with the fields rather than as pino's message argument, so that it
  // stays before them in the line, where it always was.
  const write = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (logger.isLevelEnabled(lvl)) logger[lvl]({ msg, ...serialize(fields) });
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (bindings) => wrap(logger.child(serialize(bindings))),
  };
}

function serialize(fields?: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!fields) return out;
  for (const [k, v] of Object.entries(fields)) {
    out[k] = v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v;
  }
  return out;
}
