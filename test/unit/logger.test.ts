import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../../src/logger.js';

const root = new URL('../..', import.meta.url).pathname;

function collecting() {
  const raw: string[] = [];
  return {
    raw,
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
    destination: { write: (line: string) => void raw.push(line) },
  };
}

describe('createLogger', () => {
  it('writes one JSON object per line: level, ISO time, message, then the fields; errors with name, message and stack', () => {
    const out = collecting();
    const log = createLogger('debug', { component: 'test' }, out.destination);
    const err = new TypeError('boom');
    log.info('listening', { graphql: 'http://127.0.0.1:1/graphql', n: 1, err });

    expect(out.raw).toHaveLength(1);
    expect(out.raw[0].endsWith('}\n')).toBe(true);
    expect(out.raw[0].split('\n')).toHaveLength(2);
    const [line] = out.lines();
    expect(Object.keys(line)).toEqual(['level', 'time', 'component', 'msg', 'graphql', 'n', 'err']);
    expect(line).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      component: 'test',
      msg: 'listening',
      graphql: 'http://127.0.0.1:1/graphql',
      n: 1,
      err: { name: 'TypeError', message: 'boom', stack: err.stack },
    });
    // What test/integration/embedded-start.test.ts looks for in the server's output.
    expect(createLoggerLine('listening', { graphql: 'http://x/graphql' })).toMatch(/"msg":"listening","graphql":"http:\/\/x\/graphql"/);
  });

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
    ['silent', []],
  ] as [LogLevel, string[]][])('at level %s writes %j', (level, written) => {
    const out = collecting();
    const log = createLogger(level, {}, out.destination);
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    log.child({ c: 1 }).debug('child d');
    expect(out.lines().map((l) => l.level)).toEqual(level === 'debug' ? [...written, 'debug'] : written);
  });

  it('child loggers add their bindings to their own lines only, nested ones all of them', () => {
    const out = collecting();
    const log = createLogger('info', { component: 'ocpp' }, out.destination);
    const station = log.child({ station: 'CP-1' });
    const call = station.child({ messageId: 'm-1', err: new Error('bound') });
    log.info('parent');
    station.info('station', { action: 'Heartbeat' });
    call.warn('call');
    const [parent, child, grandchild] = out.lines();
    expect(parent).toEqual({ level: 'info', time: expect.any(String), component: 'ocpp', msg: 'parent' });
    expect(child).toEqual({ level: 'info', time: expect.any(String), component: 'ocpp', station: 'CP-1', msg: 'station', action: 'Heartbeat' });
    expect(grandchild).toMatchObject({ component: 'ocpp', station: 'CP-1', messageId: 'm-1', msg: 'call', err: { name: 'Error', message: 'bound' } });
  });

  it('redacts secret-looking fields at the top and nested, in fields and in bindings', () => {
    const out = collecting();
    const log = createLogger('info', {}, out.destination);
    log.info('secrets', {
      password: 'p',
      token: 't',
      accessToken: 'a',
      refreshToken: 'r',
      apiKey: 'k',
      secret: 's',
      headers: { authorization: 'Bearer abc', cookie: 'session=1', accept: 'application/json' },
      input: { auth: { password: 'deep', newPassword: 'new' }, email: 'a@b.c' },
      resetToken: 'development only, logged on purpose',
      tokenCount: 3,
    });
    log.child({ token: 'bound', station: 'CP-1' }).info('with bindings');
    const [fields, bound] = out.lines();
    expect(fields).toMatchObject({
      password: '[redacted]',
      token: '[redacted]',
      accessToken: '[redacted]',
      refreshToken: '[redacted]',
      apiKey: '[redacted]',
      secret: '[redacted]',
      headers: { authorization: '[redacted]', cookie: '[redacted]', accept: 'application/json' },
      input: { auth: { password: '[redacted]', newPassword: '[redacted]' }, email: 'a@b.c' },
      resetToken: 'development only, logged on purpose',
      tokenCount: 3,
    });
    expect(bound).toMatchObject({ token: '[redacted]', station: 'CP-1', msg: 'with bindings' });
    expect(out.raw.join('')).not.toMatch(/Bearer abc|session=1|"deep"|"bound"/);
  });

  it('does not lose what was logged right before process.exit, with stderr written asynchronously', () => {
    const script = `
      import { createLogger, flushLogs } from './src/logger.ts';
      const log = createLogger('info');
      for (let i = 0; i < 20000; i++) log.info('line', { i, pad: 'x'.repeat(100) });
      log.info('stopped');
      if (process.argv.includes('--flush')) flushLogs();
      process.exit(0);
    `;
    for (const args of [[], ['--flush']]) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      expect(run.status).toBe(0);
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(20001);
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ level: 'info', msg: 'stopped' });
    }
  }, 30_000);
});

function createLoggerLine(msg: string, fields: Record<string, unknown>): string {
  const out = collecting();
  createLogger('info', {}, out.destination).info(msg, fields);
  return out.raw[0];
}
