// Runs a bench component (Fleet or Subscriber) either in this thread or in a worker thread,
// behind the same promise-based `call(method, ...args)`.
import { Worker } from 'node:worker_threads';

export type Methods<T> = { [K in keyof T]: T[K] extends (...args: any[]) => any ? K : never }[keyof T];

export interface Handle<T> {
  call<K extends Methods<T>>(method: K, ...args: T[K] extends (...a: infer A) => any ? A : never): Promise<Awaited<T[K] extends (...a: any[]) => infer R ? R : never>>;
  close(): Promise<void>;
}

export interface WorkerSpec {
  role: 'fleet' | 'subscriber' | 'storm';
  /** Constructor arguments, structured-cloned to the worker. */
  args: unknown[];
}

/** The object itself, in this thread. */
export function localHandle<T extends object>(target: T): Handle<T> {
  return {
    call: (method, ...args) => Promise.resolve((target as any)[method](...args)),
    close: async () => {},
  };
}

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/**
 * A worker running scripts/load/bench-worker.ts. The script runs under tsx, whose loader
 * hooks a worker does not inherit, so the worker registers tsx before importing it.
 */
export async function workerHandle<T>(spec: WorkerSpec): Promise<Handle<T>> {
  const entry = new URL('./bench-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: spec });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 0;
  let failure: Error | null = null;
  const failAll = (error: Error) => {
    failure = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (m: Reply | { ready: true }) => {
    if ('ready' in m) return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(m.error));
  });
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => failAll(new Error(`bench worker exited with code ${code}`)));
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return {
    call: (method, ...args) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        const id = ++nextId;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ id, method, args });
      }),
    close: async () => {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
