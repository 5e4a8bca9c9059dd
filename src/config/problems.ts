/** Collects the errors and warnings of one load, across all files. */
import { ConfigError } from './errors.ts';
import type { ConfigWarning, SourceLocation } from './types.ts';

export class Problems {
  readonly errors: ConfigError[] = [];
  readonly warnings: ConfigWarning[] = [];

  error(location: SourceLocation, path: string, message: string): void {
    this.errors.push(new ConfigError({ ...location, path, message }));
  }

  warn(location: SourceLocation, path: string, message: string): void {
    this.warnings.push({ location, path, message });
  }

  addErrors(errors: readonly ConfigError[]): void {
    this.errors.push(...errors);
  }
}
