import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/remediation/audit-log';
import type { Change } from '../../src/remediation/change';
import type { Operation } from '../../src/remediation/operations';
import { auditCardData, confirmCardData, fixResultCardData } from '../../src/render/fix-cards';
import { createCardRenderer } from '../../src/render/render-card';
import { loadUiStrings } from '../../src/render/ui-strings';
import { cardActions, visibleTexts } from '../support/validate-card';

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

describe('Russian reads as Russian', () => {
  // Kept in Latin letters on purpose: the product's name, protocol names, and a sample of what Exchange pastes.
  const LATIN_ALLOWED = new Set([
    'locale',
    'helpTitle',
    'noCodeExample',
    'tls',
    'diagStep.dns',
    'diagStep.ehlo',
    'diagStep.starttls',
    'allowlist.ipv4',
    'allowlist.ipv6',
  ]);

  it('has no card label in Latin letters only, except names and codes that are the same in every language', () => {
    const latinOnly = Object.entries(ui.ru)
      .filter(([, value]) => {
        const words = value.replace(/\{\w+\}/g, '');
        return /[A-Za-z]/.test(words) && !/[А-Яа-яЁё]/.test(words);
      })
      .map(([key]) => key);
    expect(latinOnly.sort()).toEqual([...LATIN_ALLOWED].sort());
  });

  it('names Undo and Cancel with different words on the buttons, and Undo is not «Отменить»', () => {
    for (const locale of ['en', 'ru'] as const) {
      const undo = cardActions(render('fix-result', fixResultCardData(op(disable), 'applied', ui[locale])));
      const confirm = cardActions(render('confirm-fix', confirmCardData([op(disable, { status: 'proposed' })], ui[locale])));
      const undoTitle = undo.find((a) => a.verb === 'undoFix')?.title;
      const cancelTitle = confirm.find((a) => a.verb === 'cancelFix')?.title;
      expect(undoTitle, locale).toBeTruthy();
      expect(cancelTitle, locale).toBeTruthy();
      expect(undoTitle).not.toBe(cancelTitle);
    }
    expect(ui.ru.undo).toBe('Вернуть как было');
    expect(ui.ru.cancel).toBe('Отмена');
    // An undo is never called a cancellation, on the result or in the audit.
    for (const key of ['undo', 'resultUndone', 'auditResult.undone', 'audit.asUndo'] as const) expect(ui.ru[key], key).not.toMatch(/отмен/i);
  });

  it('calls the RFC 3463 subject a category, not a message subject', () => {
    expect(ui.ru.rfcSubject).toBe('Категория');
    expect(ui.ru.unknownCode).not.toMatch(/тем[аы]/i);
  });

  it('shows domain types as the Exchange admin center names them, with the PowerShell value in brackets', () => {
    const o = op(authoritative);
    expect(resultText(o, 'applied', 'ru')).toContain('Было: Внутренняя ретрансляция (InternalRelay)');
    expect(resultText(o, 'applied', 'ru')).toContain('Стало: Заслуживающий доверия (Authoritative)');
    expect(resultText(o, 'applied', 'en')).toContain('Before: Internal Relay');
    expect(resultText(op(disable), 'applied', 'ru')).toContain('Стало: Отключён');
  });
});

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

describe('audit rows say what happened and the state it left', () => {
  const restore: Change = { ...disable, from: false, to: true };
  const alertTitle = 'Mail queue to contoso.com is growing';
  // Shaped as remediation/run-fix.ts, settle-interrupted.ts, actions.ts and chat/commands.ts record them.
  const entries: Array<Omit<AuditEntry, 'id' | 'at' | 'actor'>> = [
    { verb: 'applyFix', change: disable, result: 'applied', before: true, after: false },
    { verb: 'undoFix', change: restore, result: 'undone', before: false, after: true },
    { verb: 'undoFix', change: disable, result: 'undone', before: false, after: true, detail: 'undone, confirmed after a restart' },
    { verb: 'applyFix', change: authoritative, result: 'applied', before: 'InternalRelay', after: 'Authoritative' },
    { verb: 'applyFix', change: disable, result: 'failed', detail: 'The connector was not found.' },
    { verb: 'undoFix', change: disable, result: 'failed', detail: 'Exchange is busy.' },
    { verb: 'applyFix', change: disable, result: 'refused', detail: 'not an admin (ADMIN_USERS)' },
    { verb: 'fixNow', result: 'refused', detail: 'not an admin (ADMIN_USERS)' },
    { verb: 'subscribe', result: 'refused', detail: 'needs a admin (ADMIN_USERS)' },
    { verb: 'ackAlert', result: 'applied', detail: `alert "${alertTitle}" acknowledged` },
    { verb: 'muteAlert', result: 'applied', detail: `alert "${alertTitle}" muted for 24 h` },
    { verb: 'applyFix', change: disable, result: 'applying', before: true },
    { verb: 'applyFix', change: disable, result: 'unchanged', before: false, after: false },
  ];
  const rows = (locale: 'en' | 'ru') =>
    auditCardData(
      entries.map((e, i) => ({ ...e, id: String(i), at, actor })),
      ui[locale],
    ).entries.map((e) => [e.what, e.result, e.detail]);

  it('in English', () => {
    expect(rows('en')).toEqual([
      ['The outbound connector "Outbound to Contoso" was disabled', 'applied', ''],
      ['The outbound connector "Outbound to Contoso" was enabled again (undo)', 'undone', ''],
      ['The outbound connector "Outbound to Contoso" was enabled again (undo)', 'undone', 'undone, confirmed after a restart'],
      ['The accepted domain "contoso.com" was made Authoritative', 'applied', ''],
      ['Could not disable the outbound connector "Outbound to Contoso": The connector was not found.', 'failed', ''],
      ['Could not enable the outbound connector "Outbound to Contoso" (undo): Exchange is busy.', 'failed', ''],
      ['Attempt to disable the outbound connector "Outbound to Contoso" refused', 'refused', 'not an admin (ADMIN\\_USERS)'],
      ['Attempt to use Fix now refused', 'refused', 'not an admin (ADMIN\\_USERS)'],
      ['Attempt to run the command "subscribe" refused', 'refused', 'needs a admin (ADMIN\\_USERS)'],
      [`Alert "${alertTitle}" acknowledged`, 'applied', ''],
      [`Alert "${alertTitle}" muted for 24 h`, 'applied', ''],
      ['Asked Exchange to disable the outbound connector "Outbound to Contoso"', 'sent to Exchange, awaiting its answer', ''],
      ['No need to disable the outbound connector "Outbound to Contoso"', 'already so, nothing changed', ''],
    ]);
  });

  it('in Russian', () => {
    expect(rows('ru').map(([what, result]) => [what, result])).toEqual([
      ['Исходящий соединитель «Outbound to Contoso» отключён', 'применено'],
      ['Исходящий соединитель «Outbound to Contoso» снова включён (возврат)', 'возвращено как было'],
      ['Исходящий соединитель «Outbound to Contoso» снова включён (возврат)', 'возвращено как было'],
      ['Обслуживаемому домену «contoso.com» задан тип «Заслуживающий доверия (Authoritative)»', 'применено'],
      ['Не удалось отключить исходящий соединитель «Outbound to Contoso»: The connector was not found.', 'не удалось'],
      ['Не удалось включить исходящий соединитель «Outbound to Contoso» (возврат): Exchange is busy.', 'не удалось'],
      ['Попытка отключить исходящий соединитель «Outbound to Contoso» отклонена', 'отклонено'],
      ['Попытка воспользоваться кнопкой «Исправить сейчас» отклонена', 'отклонено'],
      ['Попытка выполнить команду «subscribe» отклонена', 'отклонено'],
      [`Оповещение «${alertTitle}» принято`, 'применено'],
      [`Оповещение «${alertTitle}» заглушено на 24 ч`, 'применено'],
      ['Запрошено у Exchange: отключить исходящий соединитель «Outbound to Contoso»', 'отправлено в Exchange, ожидается ответ'],
      ['Менять не пришлось: отключить исходящий соединитель «Outbound to Contoso»', 'уже так, ничего не изменено'],
    ]);
  });

  it('never shows a card verb as the row', () => {
    for (const locale of ['en', 'ru'] as const) {
      const text = visibleTexts(
        render(
          'audit',
          auditCardData(
            entries.map((e, i) => ({ ...e, id: String(i), at, actor })),
            ui[locale],
          ),
        ),
      ).join('\n');
      expect(text).not.toMatch(/applyFix|undoFix|fixNow|ackAlert|muteAlert/);
    }
  });
});
