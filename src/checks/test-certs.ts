/**
 * Test certificates made with the openssl CLI: a CA, and leaf certificates it signs (or that sign
 * themselves) with any names and any validity dates, past or future (`openssl ca -startdate
 * -enddate`, which OpenSSL 3.0 has; `x509 -not_before` came only in 3.4). Used by the tests only.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DAY = 86_400_000;

export interface KeyPair {
  key: string;
  cert: string;
}

export interface LeafOptions {
  /** Common name (default: the first SAN). */
  cn?: string;
  /** `DNS:name` or `IP:address` entries. */
  sans: string[];
  notBefore?: Date;
  notAfter?: Date;
}

export interface TestCa extends KeyPair {
  /** A certificate signed by this CA. */
  issue(opts: LeafOptions): Promise<KeyPair>;
  /** A self-signed certificate (not signed by this CA), with explicit dates. */
  selfSigned(opts: LeafOptions): Promise<KeyPair>;
  dispose(): Promise<void>;
}

/** `20261121000000Z` */
function asn1Time(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export const daysFromNow = (days: number) => new Date(Date.now() + days * DAY);

const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export async function createTestCa(name = 'Cairn Test CA'): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-ca-'));
  const cnf = join(dir, 'ca.cnf');
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), '1000\n');
  await writeFile(
    cnf,
    [
      '[ ca ]',
      'default_ca = local',
      '[ local ]',
      `database = ${join(dir, 'index.txt')}`,
      `new_certs_dir = ${dir}`,
      `serial = ${join(dir, 'serial')}`,
      'default_md = sha256',
      'policy = any',
      'copy_extensions = copy',
      'unique_subject = no',
      'email_in_dn = no',
      '[ any ]',
      'commonName = supplied',
      '[ leaf ]',
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, keyEncipherment',
      'extendedKeyUsage = serverAuth',
      '',
    ].join('\n'),
  );
  await run('openssl', [
    'req', '-x509', ...KEY_ARGS, '-days', '30', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'),
  ]);
  let n = 0;
  const sign = async (opts: LeafOptions, self: boolean): Promise<KeyPair> => {
    n += 1;
    const base = join(dir, `leaf${n}`);
    const cn = opts.cn ?? (opts.sans[0] ?? 'leaf').replace(/^(DNS|IP):/, '');
    await run('openssl', [
      'req', '-new', ...KEY_ARGS, '-subj', `/CN=${cn}`,
      ...(opts.sans.length > 0 ? ['-addext', `subjectAltName=${opts.sans.join(',')}`] : []),
      '-keyout', `${base}.key`, '-out', `${base}.csr`,
    ]);
    await run('openssl', [
      'ca', '-batch', '-notext', '-config', cnf, '-extensions', 'leaf',
      ...(self ? ['-selfsign', '-keyfile', `${base}.key`] : ['-cert', join(dir, 'ca.pem'), '-keyfile', join(dir, 'ca.key')]),
      '-startdate', asn1Time(opts.notBefore ?? daysFromNow(-1)), '-enddate', asn1Time(opts.notAfter ?? daysFromNow(90)),
      '-in', `${base}.csr`, '-out', `${base}.pem`,
    ]);
    return { key: await readFile(`${base}.key`, 'utf8'), cert: await readFile(`${base}.pem`, 'utf8') };
  };
  return {
    key: await readFile(join(dir, 'ca.key'), 'utf8'),
    cert: await readFile(join(dir, 'ca.pem'), 'utf8'),
    issue: (opts) => sign(opts, false),
    selfSigned: (opts) => sign(opts, true),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
