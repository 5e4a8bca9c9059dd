/**
 * What v8.deserialize gives (the model cache, a model child's result), made as small as what it
 * describes, before it is kept for the life of a server:
 *
 * - each typed array gets a buffer of its own: a deserialized one is a view into the whole
 *   message, which it would keep alive (tens of megabytes) for as long as it is kept;
 * - equal strings become one string: deserialized strings are each their own copy, and a model
 *   repeats a few hundred instants ("2026-11-02T00:00:00.000Z" once for each of 400 day bars),
 *   a few dozen percentages and the check ids tens of thousands of times (~9 MB for 200 checks).
 *
 * Changes `value` in place (objects, arrays, Maps and Sets) and returns it.
 */
export function settled<T>(value: T): T {
  const strings = new Map<string, string>();
  const seen = new Set<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const same = strings.get(v);
      if (same !== undefined) return same;
      strings.set(v, v);
      return v;
    }
    if (typeof v !== 'object' || v === null) return v;
    if (ArrayBuffer.isView(v)) return v.byteLength === v.buffer.byteLength ? v : (v as unknown as { slice(): unknown }).slice();
    if (seen.has(v)) return v;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i]);
    } else if (v instanceof Map) {
      const entries = [...v];
      v.clear();
      for (const [k, x] of entries) v.set(walk(k), walk(x));
    } else if (v instanceof Set) {
      const items = [...v];
      v.clear();
      for (const x of items) v.add(walk(x));
    } else if (!(v instanceof Date) && !(v instanceof RegExp) && !(v instanceof ArrayBuffer)) {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) o[k] = walk(o[k]);
    }
    return v;
  };
  return walk(value) as T;
}
