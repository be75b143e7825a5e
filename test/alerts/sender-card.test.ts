import { describe, expect, it } from 'vitest';
import { readMessageCard, readWorkflowCard } from '../../src/alerts/sender-card';

const workflow = (content: Record<string, unknown>) => ({
  type: 'message',
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.5', ...content } }],
});

describe("a Workflows card, cleaned for the bot's card", () => {
  it('keeps layout and https links, drops what calls back, and reads every text for the parser', () => {
    const read = readWorkflowCard(
      workflow({
        body: [
          {
            type: 'ColumnSet',
            columns: [
              {
                type: 'Column',
                items: [{ type: 'TextBlock', text: 'left [x](data:text/html,hi) [ok](https://ok.example/a)' }],
                selectAction: { type: 'Action.Submit' },
              },
            ],
          },
          { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: '550 5.7.1 refused', selectAction: { type: 'Action.Submit' } }, 'plain'] },
          { type: 'Image', url: 'http://insecure.example/i.png' },
          { type: 'Media', sources: [] },
          { type: 'ActionSet', actions: [{ type: 'Action.ShowCard', card: { type: 'AdaptiveCard', body: [{ type: 'Input.Text', id: 'x' }] } }] },
        ],
        actions: [{ type: 'Action.ToggleVisibility', title: 'More', targetElements: ['more', { elementId: 'other', isVisible: true }] }],
      }),
    );
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const json = JSON.stringify(read.card);
    expect(json).toContain('left x [ok](https://ok.example/a)');
    expect(json).not.toContain('data:text/html');
    expect(json).not.toContain('selectAction');
    expect(json).not.toContain('insecure.example');
    expect(json).not.toContain('Media');
    expect(json).not.toContain('Input.Text');
    expect(read.card.actions).toEqual([
      { type: 'Action.ToggleVisibility', title: 'More', targetElements: ['sender-more', { elementId: 'sender-other', isVisible: true }] },
    ]);
    expect(read.card.removed).toBe(5);
    expect(read.text).toContain('550 5.7.1 refused');
  });

  it('refuses a card newer than 1.5, one without a version, and an attachment that is not an Adaptive Card', () => {
    expect(readWorkflowCard(workflow({ version: '2.0', body: [] }))).toMatchObject({ ok: false, status: 422 });
    expect(readWorkflowCard(workflow({ version: undefined, body: [] }))).toMatchObject({ ok: false, status: 422 });
    expect(readWorkflowCard({ type: 'message', attachments: [{ contentType: 'application/json', content: {} }] })).toMatchObject({ ok: false, status: 422 });
  });
});

describe('a MessageCard', () => {
  it('falls back to its summary, and refuses one with nothing to show', () => {
    const read = readMessageCard({ '@type': 'MessageCard', summary: 'Queue is growing' });
    expect(read).toMatchObject({ ok: true, title: 'Queue is growing' });
    expect(readMessageCard({ '@type': 'MessageCard' })).toMatchObject({ ok: false, status: 422 });
  });
});
