/**
 * CA files of TLS checks: `ca: checks/internal-ca.pem` is read once when the configuration is
 * loaded, so a missing or malformed file is a configuration error (file, line, field), not a
 * check that goes down at 3 a.m.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Problems } from './problems.ts';
import type { ResolvedCheck, SourceLocation } from './types.ts';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** A check whose `ca` names a file, and where that field is written. */
export interface CaFileField {
  check: ResolvedCheck;
  location: SourceLocation;
  /** Field path, `checks[2].ca`. */
  path: string;
}

/** Reads every `caFile` of the checks (relative to `root`) into their `ca`, reporting problems at the `ca` field. */
export async function loadCaFiles(root: string, fields: readonly CaFileField[], problems: Problems): Promise<void> {
  await Promise.all(
    fields.map(async ({ check, location, path: field }) => {
      if (!('caFile' in check) || check.caFile === null) return;
      const file = check.caFile;
      const absolute = path.resolve(root, file);
      let text: string;
      try {
        text = await readFile(absolute, 'utf8');
      } catch (err) {
        const code = err !== null && typeof err === 'object' && 'code' in err ? String(err.code) : 'unreadable';
        const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : `cannot read it (${code})`;
        problems.error(location, field, `cannot use the CA file "${file}" (relative to the status repo): ${why}`);
        return;
      }
      if (!PEM_CERT.test(text)) {
        problems.error(location, field, `the CA file "${file}" holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----")`);
        return;
      }
      check.ca = text;
    }),
  );
}
