/** Which certificates a TLS connection of a check trusts (http, health, journey, tcp with tls). */
import { rootCertificates } from 'node:tls';
import type { TlsTrust } from '../config/types.ts';

/** TLS options: extra CAs on top of the system roots, or no verification at all. */
export function tlsOptions(trust: TlsTrust): { ca?: string[]; rejectUnauthorized?: boolean } {
  if (trust.insecureSkipVerify) return { rejectUnauthorized: false };
  if (trust.ca !== null) return { ca: [...rootCertificates, trust.ca] };
  return {};
}

/** The sentence for a CA file the loader did not read (a check built without `loadConfig`); null when fine. */
export function unloadedCaFile(trust: TlsTrust): string | null {
  return trust.ca === null && trust.caFile !== null ? `the CA file "${trust.caFile}" was not loaded (run through loadConfig)` : null;
}
