import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/log/logger';
import { diagnosisProgress } from '../../src/teams/diagnosis-progress';
import type { ProactiveSender } from '../../src/teams/proactive-sender';

/** A sender that records what it was given and when, and answers with a new message id. */
function recordingSender() {
  const sent: Array<{ activity: any; at: number; id: string }> = [];
  const sender: ProactiveSender = {
    post: async () => 'unused',
    update: async () => undefined,
    async send(_reference, activity) {
      const id = `msg-${sent.length + 1}`;
      sent.push({ activity, at: Date.now(), id });
      return id;
    },
  };
  return { sender, sent };
}

const reference = { conversation: { id: 'a:personal', isGroup: false, conversationType: 'personal', name: '' } };
const GAP = 120;

describe("diagnosis progress within Teams' streaming rate", () => {
  it('sends the first update at once, the latest of a quick run of checks a gap later, then the final message a gap after that', async () => {
    const { sender, sent } = recordingSender();
    const progress = diagnosisProgress(sender, reference, true, memoryLogger(), GAP);
    progress.start('Checking mail.contoso.com…');
    await new Promise((r) => setTimeout(r, 10)); // the card is posted between the start and the first check
    for (let i = 1; i <= 10; i++) progress.step(`check ${i} — OK`);
    await new Promise((r) => setTimeout(r, GAP * 1.5));
    await progress.end('mail.contoso.com answers as Microsoft 365 needs.');
    expect(sent.map((s) => [s.activity.type, s.activity.text, s.activity.channelData])).toEqual([
      ['typing', 'Checking mail.contoso.com…', { streamType: 'informative', streamSequence: 1 }],
      ['typing', 'check 10 — OK', { streamType: 'informative', streamSequence: 2, streamId: 'msg-1' }],
      ['message', 'mail.contoso.com answers as Microsoft 365 needs.', { streamType: 'final', streamId: 'msg-1' }],
    ]);
    expect(sent[1]!.activity.entities).toEqual([{ type: 'streaminfo', streamType: 'informative', streamSequence: 2, streamId: 'msg-1' }]);
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(GAP - 5);
  });

  it('lets the final message supersede an update still waiting for its turn', async () => {
    const { sender, sent } = recordingSender();
    const progress = diagnosisProgress(sender, reference, true, memoryLogger(), GAP);
    progress.start('Checking…');
    await new Promise((r) => setTimeout(r, 10));
    progress.step('TCP connection — OK');
    await progress.end('done');
    expect(sent.map((s) => [s.activity.channelData.streamType, s.activity.text])).toEqual([
      ['informative', 'Checking…'],
      ['final', 'done'],
    ]);
    // One gap after the first update, not two: the update it superseded did not hold it up.
    expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(GAP - 5);
    expect(sent[1]!.at - sent[0]!.at).toBeLessThan(GAP * 1.8);
  });

  it('still starts the stream when everything ends at once, so the final message has a stream to end', async () => {
    const { sender, sent } = recordingSender();
    const progress = diagnosisProgress(sender, reference, true, memoryLogger(), GAP);
    progress.start('Checking…');
    progress.step('TCP connection — OK');
    await progress.end('done');
    expect(sent.map((s) => s.activity.channelData.streamType)).toEqual(['informative', 'final']);
    expect(sent[1]!.activity.channelData.streamId).toBe(sent[0]!.id);
  });

  it('sends one plain typing indicator outside a 1:1 chat, and nothing for the checks or the end', async () => {
    const { sender, sent } = recordingSender();
    const progress = diagnosisProgress(sender, reference, false, memoryLogger(), GAP);
    progress.start('Checking…');
    progress.step('TCP connection — OK');
    await progress.end('done');
    expect(sent.map((s) => s.activity)).toEqual([{ type: 'typing' }]);
  });
});
