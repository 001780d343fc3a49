import { spawn, type ChildProcess } from 'node:child_process';

const root = new URL('../..', import.meta.url).pathname;

export interface ServerProcess {
  child: ChildProcess;
  /** http://host:port of the server, read from its "listening" log line. */
  url: string;
  /** Settles with the exit code when the process ends. */
  exited: Promise<number | null>;
}

/**
 * `node --import tsx src/main.ts` in its own process, as an operator runs it, with exactly
 * `env` (nothing inherited). Needs LOG_LEVEL info or lower: the URL is read from the log.
 * `cwd`: another checkout to run (its own src/ and node_modules/); this one by default.
 */
export async function spawnServer(env: Record<string, string | undefined>, options: { cwd?: string } = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: options.cwd ?? root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const m = /"msg":"listening","graphql":"(http:\/\/[^"]+)\/graphql"/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
  return { child, url, exited };
}
