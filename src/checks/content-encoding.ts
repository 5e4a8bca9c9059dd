/**
 * Decoding an HTTP response body sent with `Content-Encoding` (gzip, deflate, br, and zstd where
 * this Node.js has it), as a stream: the body is decoded chunk by chunk while it is read, so the
 * read cap (`maxBodyBytes`) applies to the decoded size and a decompression bomb stops there, at a
 * few zlib buffers of memory, whatever it would expand to.
 *
 * Several codings (`Content-Encoding: gzip, br`) are undone in reverse order. `deflate` is the
 * zlib format by the standard, but some servers send raw deflate: the first bytes tell which.
 * `identity` is no coding.
 */
import { Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';

type Decoder = () => Transform;

/** zstd arrived in Node's zlib in 22.15 / 23.8; on older versions it is not offered. */
const zstd = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;

/** The codings Cairn decodes, in the order it asks for them. */
const DECODERS: Record<string, Decoder> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  br: () => zlib.createBrotliDecompress(),
  ...(zstd ? { zstd: () => zstd() } : {}),
};

/** The `Accept-Encoding` Cairn sends unless a check sets its own: what it can decode. */
export const ACCEPT_ENCODING = ['gzip', 'deflate', 'br', ...(zstd ? ['zstd'] : [])].join(', ');

/** The codings of a `Content-Encoding` header, lowercased, without `identity`. */
export function contentCodings(header: string | string[] | undefined): string[] {
  // Most responses have none: no string work for them.
  if (header === undefined || header === '') return [];
  const text = Array.isArray(header) ? header.join(',') : header;
  return text
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}

/** Whether every coding can be undone. */
export function unsupportedCoding(codings: readonly string[]): string | null {
  return codings.find((c) => c !== 'deflate' && !(c in DECODERS)) ?? null;
}

/** A zlib-wrapped deflate stream starts with a header whose two bytes are a multiple of 31. */
function isZlibHeader(first: Buffer): boolean {
  const cmf = first[0] as number;
  const flg = first[1] as number;
  return (cmf & 0x0f) === 8 && (cmf * 256 + flg) % 31 === 0;
}

/**
 * The first `min` bytes of a stream (fewer if it ends first), and the whole stream again. An empty
 * body (a HEAD request, a 204 or 304 that still names its coding) has nothing to decode.
 */
async function peek(source: AsyncIterable<Buffer>, min: number): Promise<{ head: Buffer; all: AsyncIterable<Buffer> }> {
  const iterator = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < min) {
    const next = await iterator.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  const all = (async function* () {
    if (head.length > 0) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  })();
  return { head, all };
}

/** Undoes one coding; `deflate` is zlib-wrapped or raw, as the first two bytes say. */
async function* undo(source: AsyncIterable<Buffer>, coding: string): AsyncGenerator<Buffer> {
  const { head, all } = await peek(source, 2);
  if (head.length === 0) return;
  const decoder = coding === 'deflate' ? (head.length >= 2 && isZlibHeader(head) ? zlib.createInflate() : zlib.createInflateRaw()) : (DECODERS[coding] as Decoder)();
  yield* through(all, decoder, coding);
}

/**
 * Pipes `source` through a zlib stream, yielding its output; breaking off destroys both. An error
 * of the decoder itself (not of the source: a reset connection stays what it is) gets `coding`.
 */
async function* through(source: AsyncIterable<Buffer>, decoder: Transform, coding: string): AsyncGenerator<Buffer> {
  const input = Readable.from(source, { objectMode: false });
  let sourceError: unknown = null;
  input.on('error', (err) => {
    sourceError = err;
    decoder.destroy(err);
  });
  input.pipe(decoder);
  try {
    for await (const chunk of decoder) yield chunk as Buffer;
  } catch (err) {
    if (err !== sourceError && err !== null && typeof err === 'object') (err as { coding?: string }).coding ??= coding;
    throw err;
  } finally {
    input.destroy();
    decoder.destroy();
  }
}

/**
 * The decoded body, as a stream of chunks. `codings` must all be supported (`unsupportedCoding`).
 * A decoder's error (a corrupt or truncated body) is thrown by the iteration with its zlib `code`
 * (`Z_DATA_ERROR`...) and `coding`, the coding that failed.
 */
export function decodeBody(body: AsyncIterable<Buffer>, codings: readonly string[]): AsyncIterable<Buffer> {
  let out: AsyncIterable<Buffer> = body;
  for (const coding of [...codings].reverse()) out = undo(out, coding);
  return out;
}

/** The coding whose decoder failed, when `err` is a decoding error. */
export function failedCoding(err: unknown): string | null {
  return err !== null && typeof err === 'object' && typeof (err as { coding?: unknown }).coding === 'string' ? (err as { coding: string }).coding : null;
}
