import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/remediation/change';
import type { Operation } from '../../src/remediation/operations';
import { fixResultCardData } from '../../src/render/fix-cards';
import { createCardRenderer } from '../../src/render/render-card';
import { loadUiStrings } from '../../src/render/ui-strings';
import { visibleTexts } from '../support/validate-card';

const ui = loadUiStrings();
const render = createCardRenderer();
const at = '2023-06-14T12:00:00.000Z';
const actor = { id: '29:x', name: 'Megan Bowen', aadObjectId: '11111111-2222-3333-4444-555555555555' };

const disable: Change = { kind: 'connector-enabled', target: 'Outbound to Contoso', from: true, to: false };
const authoritative: Change = { kind: 'accepted-domain-type', target: 'contoso.com', from: 'InternalRelay', to: 'Authoritative' };

const op = (change: Change, over: Partial<Operation> = {}): Operation => ({
  id: 'op-1',
  change,
  status: 'applied',
  source: { code: '4.4.316', server: 'mail.contoso.com' },
  proposedBy: actor,
  proposedAt: at,
  appliedBy: actor,
  appliedAt: at,
  undoneBy: actor,
  undoneAt: at,
  before: change.from,
  after: change.to,
  ...over,
});

const resultText = (o: Operation, outcome: 'applied' | 'undone', locale: 'en' | 'ru') =>
  visibleTexts(render('fix-result', fixResultCardData(o, outcome, ui[locale]))).join('\n');

describe('a result says what happened, in the past tense', () => {
  it.each([
    [
      'en',
      disable,
      'Done: the outbound connector "Outbound to Contoso" was disabled.',
      'Undone: the outbound connector "Outbound to Contoso" was enabled again.',
    ],
    ['ru', disable, 'Готово: исходящий соединитель «Outbound to Contoso» отключён.', 'Возвращено: исходящий соединитель «Outbound to Contoso» снова включён.'],
    [
      'en',
      authoritative,
      'Done: the accepted domain "contoso.com" was made Authoritative.',
      'Undone: the accepted domain "contoso.com" was made Internal Relay again.',
    ],
    [
      'ru',
      authoritative,
      'Готово: обслуживаемому домену «contoso.com» задан тип «Заслуживающий доверия (Authoritative)».',
      'Возвращено: обслуживаемому домену «contoso.com» снова задан тип «Внутренняя ретрансляция (InternalRelay)».',
    ],
  ] as const)('in %s for %o', (locale, change, applied, undone) => {
    expect(resultText(op(change), 'applied', locale).split('\n')[0]).toBe(applied);
    expect(resultText(op(change, { status: 'undone' }), 'undone', locale).split('\n')[0]).toBe(undone);
  });

  it('says an undo still running is the undo, not the change', () => {
    const text = visibleTexts(render('fix-result', fixResultCardData(op(disable, { status: 'undoing' }), 'working', ui.en))).join('\n');
    expect(text).toContain('Working on it: Enable the outbound connector "Outbound to Contoso"');
  });
});
