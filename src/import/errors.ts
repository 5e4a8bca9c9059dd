/** A usage problem with an import's input or a refusal to overwrite: the CLI exits 2, nothing was written. */
export class ImportError extends Error {
  override name = 'ImportError';
}
