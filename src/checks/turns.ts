/**
 * One continuation per turn of the event loop, first come first served.
 *
 * Why: a check's next request goes out only when its connection's `connect` event comes back
 * from the event loop's poll phase, and a poll phase first runs every callback it collected. When
 * 100 answers arrive together, their whole completion (body, result, the next check's start)
 * used to run in one poll phase, ~0.5 ms each, so the 100 next requests all went out ~50 ms
 * later, together, and came back together 200 ms after: every wave of a round paid the whole
 * wave's CPU on top of the wait (docs/benchmarks.md, "Check engine", third pass). Work queued
 * here runs one item per turn (`setImmediate`), so a poll phase comes between two items: the
 * connection the previous item opened sends its request at once, the requests leave spread out,
 * and the CPU of one wave overlaps the waiting of the others.
 *
 * The queue is shared by everything in this thread (several rounds at once stay fair); an item
 * costs one `setImmediate` and one poll of the event loop (a few microseconds).
 */

const waiting: (() => void)[] = [];
let head = 0;
let scheduled = false;

function runOne(): void {
  scheduled = false;
  const next = waiting[head];
  waiting[head] = undefined as unknown as () => void;
  head += 1;
  if (head === waiting.length) {
    waiting.length = 0;
    head = 0;
  } else {
    // Scheduled from inside the check phase: runs in the next turn, after its poll phase.
    scheduled = true;
    setImmediate(runOne);
  }
  next?.();
}

/** Resolves in a later turn of the event loop, after every item queued before it, one item per turn. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(runOne);
    }
  });
}
