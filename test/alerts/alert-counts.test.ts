import { describe, expect, it } from 'vitest';
import { countsOf } from '../../src/alerts/alert-counts';

describe('counts an alert carries', () => {
  it.each([
    ['2,000 or more messages have been queued for more than an hour', 2000],
    ['There are 2413 messages queued for delivery', 2413],
    ['12 messages delayed', 12],
    ['1 message deferred', 1],
    ['4 200 messages in the queue', 4200],
    ['Queued messages: 918', 918],
    ['queue length = 4200', 4200],
  ])('reads the queued figure in %j', (text, expected) => {
    expect(countsOf([], text)).toEqual({ queuedMessages: expected });
  });

  it.each([
    ['an SMTP reply code', '450 4.4.316 Connection refused; messages queued for the connector'],
    ['no figure', 'Messages have been delayed'],
  ])('reads no count from %s', (_what, text) => {
    expect(countsOf([], text)).toBeUndefined();
  });

  it('takes a field from the first object that has it, names compared without case or separators', () => {
    const annotations = { Queued_Messages: '2,400' };
    const labels = { queued: '7', message_count: 30 };
    expect(countsOf([annotations, labels], '')).toEqual({ queuedMessages: 2400, messageCount: 30 });
  });

  it('ignores values that are not whole non-negative numbers, and prefers a field to the words', () => {
    expect(countsOf([{ count: -1, queued: 'many', messageCount: 2.5 }], 'nothing here')).toBeUndefined();
    expect(countsOf([{ count: 1e12 }], '')).toBeUndefined();
    expect(countsOf([{ queued: 5 }], '900 messages queued')).toEqual({ queuedMessages: 5 });
  });

  it('reads a long hostile text quickly', () => {
    const hostile = `${'1 message '.repeat(6000)}${'9'.repeat(5000)} a b c d e messages`;
    const started = performance.now();
    expect(countsOf([], hostile)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(500);
  });
});
