import { startApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { EmbeddedPostgresError } from './db/embedded-postgres-place.js';
import { createLogger, flushLogs } from './logger.js';

// Composition root: read the environment once, start, and stop cleanly on a signal.
let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
const log = createLogger(config.logLevel);
// Log lines are written asynchronously: what is still buffered goes out before the process does.
const exit = (code: number): never => {
  flushLogs();
  process.exit(code);
};
const app = await startApp(config, log).catch((err) => {
  // A setting that only fails once used (an unreadable TLS file) reads like any other bad setting.
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  // The embedded PostgreSQL could not start: its message says why and what to do, in one line.
  if (err instanceof EmbeddedPostgresError) log.error(err.message);
  else log.error('failed to start', { err });
  return exit(1);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // No library's own signal hook may end the process before app.stop() has finished
  // (chargers left marked online, samples unwritten); our stop stops the embedded PostgreSQL.
  process.removeAllListeners(signal);
  process.once(signal, () => {
    log.info('shutting down', { signal });
    const force = setTimeout(() => exit(1), 15_000);
    force.unref();
    app.stop().then(
      () => exit(0), // app.stop() has logged 'stopped'
      (err) => {
        log.error('unclean shutdown', { err });
        exit(1);
      },
    );
  });
}
process.on('unhandledRejection', (err) => log.error('unhandled rejection', { err }));
