// Worker thread entry of the bench: hosts a Fleet, StormFleet or Subscriber and answers
// { id, method, args } messages with { id, ok, value | error }. See threads.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { Fleet, type FleetOptions } from './bench-fleet.js';
import { Subscriber } from './bench-subscriber.js';
import { StormFleet, type StormOptions } from './storm-fleet.js';
import type { WorkerSpec } from './threads.js';

const spec = workerData as WorkerSpec;
const port = parentPort!;
const target: Record<string, (...args: unknown[]) => unknown> =
  spec.role === 'fleet'
    ? (new Fleet(spec.args[0] as FleetOptions) as never)
    : spec.role === 'storm'
      ? (new StormFleet(spec.args[0] as StormOptions) as never)
      : (new Subscriber(spec.args[0] as string, spec.args[1] as string, spec.args[2] as string | undefined) as never);

/** Typed arrays found in a result travel as transfers, not copies. */
function buffers(value: unknown, out: ArrayBuffer[] = []): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) out.push(value.buffer as ArrayBuffer);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) buffers(v, out);
  return out;
}

port.on('message', async ({ id, method, args }: { id: number; method: string; args: unknown[] }) => {
  try {
    const value = await target[method]!.apply(target, args);
    port.postMessage({ id, ok: true, value }, buffers(value));
  } catch (error) {
    port.postMessage({ id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) });
  }
});
port.postMessage({ ready: true });
