import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nextTurn } from './turns.ts';

/** Counts turns of the event loop: a setImmediate that schedules itself runs once per check phase. */
function turnCounter(): { now: () => number; stop: () => void } {
  let turns = 0;
  let timer: NodeJS.Immediate | undefined;
  const tick = () => {
    turns += 1;
    timer = setImmediate(tick);
  };
  timer = setImmediate(tick);
  return { now: () => turns, stop: () => clearImmediate(timer) };
}

let stops: (() => void)[] = [];
afterEach(() => {
  stops.forEach((s) => s());
  stops = [];
});

describe('nextTurn', () => {
  it('resolves the waiting in the order they came, one per turn of the event loop', async () => {
    const counter = turnCounter();
    stops.push(counter.stop);
    const seen: [number, number][] = [];
    await Promise.all(Array.from({ length: 5 }, (_, i) => nextTurn().then(() => seen.push([i, counter.now()]))));
    expect(seen.map(([i]) => i)).toEqual([0, 1, 2, 3, 4]);
    const turns = seen.map(([, t]) => t);
    for (let i = 1; i < turns.length; i++) expect(turns[i]).toBeGreaterThan(turns[i - 1] as number);
  });

  it('puts what is queued while the queue runs behind what was already waiting', async () => {
    const order: string[] = [];
    const first = nextTurn().then(async () => {
      order.push('a');
      await nextTurn();
      order.push('a again');
    });
    const second = nextTurn().then(() => order.push('b'));
    await Promise.all([first, second]);
    expect(order).toEqual(['a', 'b', 'a again']);
  });

  it('lets the events of a connection opened by one item in before the next item runs', async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stops.push(() => server.close());
    const port = (server.address() as AddressInfo).port;
    const order: string[] = [];
    const sockets: net.Socket[] = [];
    const connected: Promise<void>[] = [];
    await Promise.all([
      nextTurn().then(() => {
        const socket = net.connect(port, '127.0.0.1');
        sockets.push(socket);
        connected.push(new Promise((resolve) => socket.once('connect', () => (order.push('connected'), resolve()))));
        order.push('item 1');
      }),
      nextTurn().then(() => order.push('item 2')),
    ]);
    await Promise.all(connected);
    sockets.forEach((s) => s.destroy());
    // The poll phase of the turn between the two items delivers the connect.
    expect(order).toEqual(['item 1', 'connected', 'item 2']);
  });
});
