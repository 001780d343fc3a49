import type { Logger } from '../logger.js';

export interface ShutdownStep {
  name: string;
  run(): Promise<unknown> | unknown;
}

/**
 * Stops the server in the order given, once however often it is asked: stop taking new work,
 * let chargers go, write what was acknowledged, then close the stores. A step that fails is
 * logged and the rest still run, so the database is closed even when a socket would not.
 */
export function shutdownInOrder(steps: readonly ShutdownStep[], log: Logger): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () =>
    (stopping ??= (async () => {
      let failed: unknown;
      for (const step of steps) {
        try {
          await step.run();
        } catch (err) {
          failed ??= err;
          log.error('shutdown step failed', { step: step.name, err });
        }
      }
      if (failed) throw failed;
      log.info('stopped');
    })());
}
