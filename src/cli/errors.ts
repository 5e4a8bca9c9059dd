/** Errors the CLI maps to exit codes: 2 for usage and configuration, 1 for anything else. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;
