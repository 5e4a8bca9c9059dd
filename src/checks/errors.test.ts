import { describe, expect, it } from 'vitest';
import { describeNetworkError, formatHostPort } from './errors.ts';

function errno(message: string, props: Record<string, unknown>): Error {
  return Object.assign(new Error(message), props);
}

const target = { host: 'api.example.test', port: 443 };

describe('describeNetworkError', () => {
  it.each<[string, unknown, string]>([
    ['refused', errno('connect ECONNREFUSED 10.0.0.1:443', { code: 'ECONNREFUSED', address: '10.0.0.1', port: 443 }), 'connection refused (ECONNREFUSED 10.0.0.1:443)'],
    ['refused over IPv6', errno('connect ECONNREFUSED ::1:80', { code: 'ECONNREFUSED', address: '::1', port: 80 }), 'connection refused (ECONNREFUSED [::1]:80)'],
    ['DNS: not found', errno('getaddrinfo ENOTFOUND api.example.test', { code: 'ENOTFOUND', hostname: 'api.example.test' }), 'DNS lookup failed: host not found (ENOTFOUND api.example.test)'],
    ['DNS: temporary', errno('getaddrinfo EAI_AGAIN api.example.test', { code: 'EAI_AGAIN', hostname: 'api.example.test' }), 'DNS lookup failed: temporary resolver failure (EAI_AGAIN api.example.test)'],
    ['reset without address', errno('read ECONNRESET', { code: 'ECONNRESET' }), 'connection reset by the server (ECONNRESET api.example.test:443)'],
    ['unreachable', errno('connect EHOSTUNREACH 10.0.0.9:443', { code: 'EHOSTUNREACH', address: '10.0.0.9', port: 443 }), 'host unreachable (EHOSTUNREACH 10.0.0.9:443)'],
    ['expired certificate', errno('certificate has expired', { code: 'CERT_HAS_EXPIRED' }), 'TLS error: certificate has expired (CERT_HAS_EXPIRED api.example.test:443)'],
    ['wrong host name', errno("Hostname/IP does not match certificate's altnames", { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), 'TLS error: certificate is not valid for this host name (ERR_TLS_CERT_ALTNAME_INVALID api.example.test:443)'],
    ['unknown OpenSSL failure', errno('80:error:0A000410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:../ssl/record/rec_layer_s3.c:1605:', { code: 'ERR_SSL_SOMETHING_NEW' }), 'TLS error: sslv3 alert handshake failure (ERR_SSL_SOMETHING_NEW api.example.test:443)'],
    ['undici socket closed', errno('other side closed', { code: 'UND_ERR_SOCKET' }), 'connection closed by the server before the response was complete (api.example.test:443)'],
    [
      'happy eyeballs: every address refused',
      Object.assign(new AggregateError([
        errno('connect ECONNREFUSED ::1:8080', { code: 'ECONNREFUSED', address: '::1', port: 8080 }),
        errno('connect ECONNREFUSED 127.0.0.1:8080', { code: 'ECONNREFUSED', address: '127.0.0.1', port: 8080 }),
      ]), { code: 'ECONNREFUSED' }),
      'connection refused (ECONNREFUSED [::1]:8080, 127.0.0.1:8080)',
    ],
    ['wrapped in a cause', Object.assign(new Error('fetch failed'), { cause: errno('connect ECONNREFUSED 10.0.0.1:443', { code: 'ECONNREFUSED', address: '10.0.0.1', port: 443 }) }), 'connection refused (ECONNREFUSED 10.0.0.1:443)'],
    ['unknown error with a code', errno('something odd', { code: 'EWEIRD' }), 'something odd (EWEIRD)'],
    ['not an Error', 'plain string', 'plain string'],
  ])('%s', (_name, err, expected) => {
    expect(describeNetworkError(err, target)).toBe(expected);
  });

  it('formats host and port', () => {
    expect(formatHostPort('::1', 80)).toBe('[::1]:80');
    expect(formatHostPort('example.test', null)).toBe('example.test');
  });
});
