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

/** A Workflows card whose content is exactly `bytes` long as JSON. */
function cardOfBytes(bytes: number) {
  const message = workflow({ body: [{ type: 'TextBlock', text: '' }] });
  const content = message.attachments[0]!.content as unknown as { body: Array<{ text: string }> };
  content.body[0]!.text = 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify(content)));
  expect(Buffer.byteLength(JSON.stringify(content))).toBe(bytes);
  return message;
}

describe('the limits Teams sets on a webhook card', () => {
  it('takes a card one byte under 28 KB and refuses one of exactly 28 KB with 413', () => {
    expect(readWorkflowCard(cardOfBytes(28 * 1024 - 1))).toMatchObject({ ok: true });
    const refused = readWorkflowCard(cardOfBytes(28 * 1024));
    expect(refused).toMatchObject({ ok: false, status: 413 });
    if (!refused.ok) expect(refused.message).toContain('under 28 KB');
  });
});

describe('links and element types in what the sender wrote', () => {
  it("makes a fact's non-https markdown link its words, keeping https links", () => {
    const read = readWorkflowCard(
      workflow({
        body: [
          {
            type: 'FactSet',
            facts: [{ title: '[Runbook](javascript:alert(1))', value: 'see [the wiki](https://wiki.contoso.com/r) or [this](vbscript:x)' }],
          },
        ],
      }),
    );
    expect(read.ok && read.card.body).toEqual([
      { type: 'FactSet', facts: [{ title: 'Runbook', value: 'see [the wiki](https://wiki.contoso.com/r) or this' }] },
    ]);
  });

  it('does the same in a MessageCard: its title, text, activity text and facts', () => {
    const read = readMessageCard({
      '@type': 'MessageCard',
      title: 'Queue [stuck](javascript:alert(1))',
      text: 'Open [the console](http://insecure.example/q)',
      sections: [{ activityText: '[ok](https://ok.example/a) [no](data:text/html,x)', facts: [{ name: 'Link', value: '[x](javascript:y)' }] }],
    });
    expect(read.ok).toBe(true);
    const json = JSON.stringify(read.ok && read.card);
    expect(json).not.toMatch(/javascript:|insecure\.example|data:text/);
    expect(json).toContain('[ok](https://ok.example/a)');
    expect(read.ok && read.text).toContain('Queue stuck');
  });

  it('writes in the type a column, row or cell may leave out, and drops a typeless element elsewhere', () => {
    const read = readWorkflowCard(
      workflow({
        body: [
          { type: 'ColumnSet', columns: [{ items: [{ type: 'TextBlock', text: 'in a column' }] }] },
          { type: 'Table', columns: [{ width: 1 }], rows: [{ cells: [{ items: [{ type: 'TextBlock', text: 'in a cell' }] }] }] },
          { text: 'no type at all' },
        ],
      }),
    );
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.card.body).toHaveLength(2);
    expect((read.card.body[0] as any).columns[0].type).toBe('Column');
    expect((read.card.body[1] as any).rows[0].type).toBe('TableRow');
    expect((read.card.body[1] as any).rows[0].cells[0].type).toBe('TableCell');
    expect(JSON.stringify(read.card)).not.toContain('no type at all');
    expect(read.card.removed).toBe(1);
  });

  it("counts a MessageCard section's buttons with the card's: an https OpenUri kept, HttpPOST dropped", () => {
    const read = readMessageCard({
      '@type': 'MessageCard',
      title: 'Relay',
      sections: [
        {
          activityTitle: 'relay01',
          potentialAction: [
            { '@type': 'OpenUri', name: 'Graph', targets: [{ os: 'default', uri: 'https://grafana.contoso.com/relay01' }] },
            { '@type': 'HttpPOST', name: 'Restart', target: 'https://relay01.contoso.com/restart' },
          ],
        },
      ],
    });
    expect(read).toMatchObject({
      ok: true,
      card: { actions: [{ type: 'Action.OpenUrl', title: 'Graph', url: 'https://grafana.contoso.com/relay01' }], removed: 1 },
    });
  });
});
