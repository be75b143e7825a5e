import type { OutboundConnector, ValidationResult } from '../remediation/backends/exchange-backend';
import { escapeMarkdown, fill } from './text';
import type { UiStrings } from './ui-strings';

/** The confirmation before Microsoft 365 sends real test mail through a connector. */
export function confirmValidateCardData(connector: OutboundConnector, recipients: string, sender: string, powershell: string, ui: UiStrings) {
  return {
    intro: escapeMarkdown(fill(ui['validate.intro'], { connector: connector.name })),
    smartHosts: escapeMarkdown(connector.smartHosts.join(', ') || '—'),
    warning: escapeMarkdown(fill(ui['validate.realMail'], { sender })),
    recipients,
    powershell,
    connector: connector.name,
    t: {
      title: ui['validate.title'],
      smartHosts: ui.smartHosts,
      recipientsLabel: ui['validate.recipientsLabel'],
      send: ui['validate.send'],
      cancel: ui.cancel,
    },
  };
}

/** The result: one row per task as Exchange reported it, anything unrecognised as it came. */
export function validationResultCardData(connector: string, result: ValidationResult | undefined, ui: UiStrings, extra: { call?: string; powershell: string }) {
  const tasks = result?.tasks ?? [];
  const failed = tasks.filter((t) => t.ok === false).length;
  const headline = !result
    ? ui['validate.dryRun']
    : failed
      ? fill(ui['validate.failed'], { failed, total: tasks.length })
      : tasks.length
        ? fill(ui['validate.passed'], { total: tasks.length })
        : ui['validate.noTasks'];
  return {
    headline: escapeMarkdown(fill(headline, { connector })),
    color: !result ? 'default' : failed ? 'attention' : tasks.length ? 'good' : 'warning',
    tasks: tasks.map((t) => ({ mark: t.ok === true ? '✅' : t.ok === false ? '❌' : '❔', name: t.name, detail: t.detail })),
    // Shown in TextRuns, never as Markdown: they are Exchange's output as it came.
    unrecognised: result?.unrecognised ?? [],
    messages: result?.messages ?? [],
    call: extra.call ?? '',
    powershell: extra.powershell,
    note: result ? escapeMarkdown(ui['validate.notMarked']) : '',
    connector,
    t: { unrecognised: ui['validate.unrecognised'], again: ui['validate.again'], back: ui['validate.back'] },
  };
}
