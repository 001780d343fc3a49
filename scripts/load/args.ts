// A tiny `--name value` / `--name=value` / `--flag` parser for the load scripts.

export interface FlagSpec {
  /** Default value; its type decides how the flag is parsed (number, string or boolean). */
  default: number | string | boolean | undefined;
  help: string;
  /** For numbers: the smallest accepted value. */
  min?: number;
  integer?: boolean;
}

export type Flags<S extends Record<string, FlagSpec>> = { [K in keyof S]: S[K]['default'] extends number ? number : S[K]['default'] extends boolean ? boolean : string };

export function parseFlags<S extends Record<string, FlagSpec>>(argv: string[], spec: S, usage: string): Flags<S> {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(spec)) out[name] = s.default;
  const fail = (message: string): never => {
    process.stderr.write(`${message}\n\n${helpText(spec, usage)}`);
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(helpText(spec, usage));
      process.exit(0);
    }
    if (!arg.startsWith('--')) fail(`Unexpected argument: ${arg}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const s = spec[name];
    if (!s) fail(`Unknown flag: --${name}`);
    let raw: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (typeof s!.default === 'boolean') {
      out[name] = raw === undefined ? true : !['false', '0', 'no'].includes(raw);
      continue;
    }
    if (raw === undefined) {
      raw = argv[++i];
      if (raw === undefined) fail(`--${name} needs a value`);
    }
    if (typeof s!.default === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) fail(`--${name} must be a number, got "${raw}"`);
      if (s!.integer && !Number.isInteger(n)) fail(`--${name} must be an integer, got "${raw}"`);
      if (s!.min !== undefined && n < s!.min) fail(`--${name} must be at least ${s!.min}, got ${n}`);
      out[name] = n;
    } else {
      out[name] = raw;
    }
  }
  return out as Flags<S>;
}

function helpText(spec: Record<string, FlagSpec>, usage: string): string {
  const lines = Object.entries(spec).map(([name, s]) => {
    const def = s.default === undefined || s.default === '' ? '' : ` (default ${String(s.default)})`;
    return `  --${name.padEnd(16)} ${s.help}${def}`;
  });
  return `${usage}\n\nOptions:\n${lines.join('\n')}\n`;
}
