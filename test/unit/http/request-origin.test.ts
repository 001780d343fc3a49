import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestOrigin } from '../../../src/http/request-origin.js';

const aRequest = (headers: Record<string, string | string[]>, socket: { remoteAddress?: string; encrypted?: boolean } = {}) =>
  ({ headers, socket: { remoteAddress: '10.0.0.2', ...socket } }) as unknown as IncomingMessage;

describe('requestOrigin', () => {
  it('ignores forwarding headers unless the proxy is trusted', () => {
    const req = aRequest({ 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' });
    expect(requestOrigin(req, false)).toEqual({ remoteAddress: '10.0.0.2', secure: false });
  });

  it('counts our own TLS socket as secure either way', () => {
    const req = aRequest({ 'x-forwarded-proto': 'http' }, { encrypted: true });
    expect(requestOrigin(req, false).secure).toBe(true);
    expect(requestOrigin(req, true).secure).toBe(true);
  });

  it.each([
    ['https', { 'x-forwarded-proto': 'https' }, true],
    ['HTTPS in capitals', { 'x-forwarded-proto': 'HTTPS' }, true],
    ['wss', { 'x-forwarded-proto': 'wss' }, true],
    ['http', { 'x-forwarded-proto': 'http' }, false],
    ['no header', {}, false],
    ['a client-sent https before the proxy\'s http', { 'x-forwarded-proto': 'https, http' }, false],
  ])('behind a trusted proxy, X-Forwarded-Proto %s', (_name, headers, secure) => {
    expect(requestOrigin(aRequest(headers), true).secure).toBe(secure);
  });

  it.each([
    ['the one address', { 'x-forwarded-for': '203.0.113.9' }, '203.0.113.9'],
    ['the address our proxy appended, not what the client claimed', { 'x-forwarded-for': '1.2.3.4, 203.0.113.9' }, '203.0.113.9'],
    ['repeated headers, last one wins', { 'x-forwarded-for': ['1.2.3.4', '203.0.113.9'] }, '203.0.113.9'],
    ['the socket without a header', {}, '10.0.0.2'],
    ['the socket for an empty header', { 'x-forwarded-for': ' , ' }, '10.0.0.2'],
  ])('behind a trusted proxy, the client address is %s', (_name, headers, address) => {
    expect(requestOrigin(aRequest(headers), true).remoteAddress).toBe(address);
  });
});
