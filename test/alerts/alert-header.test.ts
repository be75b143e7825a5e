import { describe, expect, it } from 'vitest';
import { type AlertGroup, addOccurrence } from '../../src/alerts/alert-group';
import type { IncomingAlert } from '../../src/alerts/normalise-alert';
import { loadKnowledge } from '../../src/knowledge/load-knowledge';
import { alertCardData } from '../../src/render/alert-card';
import { createCardRenderer } from '../../src/render/render-card';
import { loadUiStrings } from '../../src/render/ui-strings';
import { cardActions, cardProblems, visibleTexts } from '../support/validate-card';

const knowledge = loadKnowledge();
const ui = loadUiStrings();
const render = createCardRenderer();
const now = new Date('2026-12-02T15:00:00Z');
const actor = { id: '29:x', name: 'Megan Bowen', aadObjectId: '11111111-2222-3333-4444-555555555555' };

/** A group exactly as the store kept them before counts and sender times: none of the new fields. */
const storedBefore: AlertGroup = {
  key: 'k',
  conversationId: 'c',
  fingerprint: 'f',
  source: 'alertmanager',
  title: 'MailQueueBuilding: queue to contoso.com',
  text: 'queue is growing',
  status: 'firing',
  count: 4,
  firstSeen: '2026-12-02T13:00:00.000Z',
  lastSeen: '2026-12-02T14:00:00.000Z',
  locale: 'en',
  version: 4,
  deliveredVersion: 4,
  applied: ['a', 'b', 'c', 'd'],
};

function card(group: AlertGroup) {
  const content = render('diagnosis', alertCardData(group, knowledge, ui, now));
  expect(cardProblems(content)).toEqual([]);
  return { text: visibleTexts(content).join('\n'), verbs: cardActions(content).flatMap((a) => (a.verb ? [a.verb] : [])) };
}

const occurrence = (alert: Partial<IncomingAlert>, outboxId: string, at: string) => ({
  outboxId,
  alert: { source: 'alertmanager' as const, status: 'firing' as const, title: 'Q', text: 'q', ...alert },
  fingerprint: 'f',
  conversationId: 'c',
  locale: 'en',
  at,
});

describe('the alert header', () => {
  it('still renders a group stored before counts and sender times were kept, with the facts it has', () => {
    const { text, verbs } = card(storedBefore);
    expect(text).toContain('Occurrences: 4');
    expect(text).toContain('First seen: 02 Dec 2026 13:00 UTC');
    expect(text).not.toContain('Started');
    expect(text).not.toContain('Queued messages');
    expect(verbs).toEqual(['ackAlert', 'muteAlert', 'muteAlert']);
  });

  it('gives the card data the alert title, escaped, for the card to be titled by', () => {
    const data = alertCardData({ ...storedBefore, title: 'Queue [x](https://evil.example) *now*' }, knowledge, ui, now);
    expect(data.alert?.title).toBe('Queue \\[x\\](https://evil.example) \\*now\\*');
    expect(alertCardData({ ...storedBefore, title: 'q'.repeat(500) }, knowledge, ui, now).alert?.title.length).toBe(150);
  });

  it('shows counts and times in Russian with Russian month names', () => {
    const group = { ...storedBefore, locale: 'ru', startedAt: '2026-12-02T12:40:11.520Z', counts: { queuedMessages: 2413, messageCount: 9, reportedCount: 3 } };
    const { text } = card(group);
    expect(text).toContain('Сообщений в очереди: 2413');
    expect(text).toContain('Сообщений: 9');
    expect(text).toContain('Количество (по данным источника): 3');
    expect(text).toContain('Началось: 02 дек 2026 12:40 UTC');
    expect(card({ ...group, status: 'resolved', endedAt: '2026-12-02T14:05:00Z' }).text).toContain('Устранено: 02 дек 2026 14:05 UTC');
  });

  it('offers Mute again, not Unmute, once a mute has run out', () => {
    const running = card({ ...storedBefore, muted: { by: actor, until: '2026-12-02T16:00:00Z' } });
    expect(running.verbs).toEqual(['ackAlert', 'unmuteAlert']);
    expect(running.text).toContain('Muted until: 02 Dec 2026 16:00 UTC (Megan Bowen)');
    const ran = card({ ...storedBefore, muted: { by: actor, until: '2026-12-02T14:30:00Z' } });
    expect(ran.verbs).toEqual(['ackAlert', 'muteAlert', 'muteAlert']);
    expect(ran.text).not.toContain('Muted until');
  });

  it('says a resolution that gave no time resolved when it arrived', () => {
    const { text, verbs } = card({ ...storedBefore, status: 'resolved' });
    expect(text).toContain('Resolved: 02 Dec 2026 14:00 UTC');
    expect(verbs).toEqual([]);
  });
});

describe('counts and times across occurrences', () => {
  it('keeps the first start, takes the latest count, and drops the end when the alert fires again', () => {
    const first = addOccurrence(
      undefined,
      occurrence({ startedAt: '2026-12-02T13:20:00.000Z', counts: { queuedMessages: 2400 } }, 'o1', '2026-12-02T13:21:00Z'),
      3_600_000,
    )!;
    const later = addOccurrence(
      first,
      occurrence({ startedAt: '2026-12-02T13:50:00.000Z', counts: { queuedMessages: 3100 } }, 'o2', '2026-12-02T13:51:00Z'),
      3_600_000,
    )!;
    expect(later).toMatchObject({ startedAt: '2026-12-02T13:20:00.000Z', counts: { queuedMessages: 3100 }, count: 2 });
    const resolved = addOccurrence(later, occurrence({ status: 'resolved', endedAt: '2026-12-02T14:05:00.000Z' }, 'o3', '2026-12-02T14:06:00Z'), 3_600_000)!;
    expect(resolved).toMatchObject({ status: 'resolved', endedAt: '2026-12-02T14:05:00.000Z', counts: { queuedMessages: 3100 }, count: 2 });
    const again = addOccurrence(resolved, occurrence({}, 'o4', '2026-12-02T14:10:00Z'), 3_600_000)!;
    expect(again.status).toBe('firing');
    expect(again.endedAt).toBeUndefined();
  });

  it('adds the new facts to a group stored before they were kept', () => {
    const next = addOccurrence(
      storedBefore,
      occurrence({ counts: { messageCount: 7 }, startedAt: '2026-12-02T12:00:00.000Z' }, 'o5', '2026-12-02T14:10:00Z'),
      3_600_000,
    )!;
    expect(next).toMatchObject({ count: 5, counts: { messageCount: 7 }, startedAt: '2026-12-02T12:00:00.000Z' });
    expect(card(next).text).toContain('Messages: 7');
  });
});
