import type { Activity, ConversationReference } from 'botbuilder';
import type { DiagnosisProgress } from '../chat/diagnose';
import type { Logger } from '../log/logger';
import type { ProactiveSender } from './proactive-sender';

/**
 * What the user sees while a probe runs, besides the card filling in. In a 1:1 chat, Teams' informative
 * streaming (microsoft-signals.md, "Streaming"): `typing` activities with a `streamInfo` entity, numbered
 * from 1, the later ones naming the stream by the first one's id, ended by a final message. Elsewhere
 * streaming is not allowed, so one typing indicator. A failed send only loses the indicator.
 *
 * The stream's fields go in channelData as well as in the streamInfo entity: botframework-connector's
 * serializer keeps only an entity's `type`, while channelData travels as it is (Teams reads either; the
 * Teams AI library sends both).
 *
 * Teams takes one streaming request a second per stream and cancels a stream that goes faster (403
 * ContentStreamNotAllowed; microsoft/teams.py#452), while a probe's checks can finish milliseconds apart.
 * So the updates are paced: one at most every `gapMs`, a quick run of checks shown by its latest, and the
 * final message, which supersedes any update still waiting, after the same gap.
 */
/** A little over Teams' one streaming request a second, measured from when the last one was answered. */
export const STREAM_GAP_MS = 1100;

export function diagnosisProgress(
  sender: ProactiveSender,
  reference: Partial<ConversationReference>,
  personal: boolean,
  logger: Logger,
  gapMs = STREAM_GAP_MS,
): DiagnosisProgress {
  let chain = Promise.resolve();
  const later = (fn: () => Promise<unknown>) => {
    chain = chain.then(fn).then(
      () => undefined,
      (err) => logger.debug('a progress update was not sent', { err: err as Error }),
    );
    return chain;
  };
  if (!personal) {
    return {
      step: () => undefined,
      start: () => void later(() => sender.send(reference, { type: 'typing' })),
      end: () => chain,
    };
  }
  let streamId = '';
  let sequence = 0;
  let answeredAt = Number.NEGATIVE_INFINITY;
  /** The newest update not sent yet; the send already queued carries it. */
  let waiting: string | undefined;
  let ending = false;
  const turn = async () => {
    const wait = answeredAt + gapMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };
  const send = async (activity: Partial<Activity>) => {
    try {
      return await sender.send(reference, activity);
    } finally {
      answeredAt = Date.now();
    }
  };
  const stream = (text: string) => {
    const queued = waiting !== undefined;
    waiting = text;
    if (queued) return;
    void later(async () => {
      await turn();
      const latest = waiting;
      waiting = undefined;
      // Once the verdict is in, the final message says more than a waiting update; the first one still
      // goes, as the final message needs a stream to end.
      if (latest === undefined || (ending && streamId)) return;
      sequence++;
      const info = { streamType: 'informative', streamSequence: sequence, ...(streamId && { streamId }) };
      const id = await send({ type: 'typing', text: latest.slice(0, 1000), entities: [{ type: 'streaminfo', ...info }], channelData: info });
      if (!streamId) streamId = id;
    });
  };
  return {
    start: stream,
    step: stream,
    // Teams ends a stream with its final message; without one it would wait for more.
    end: (text) => {
      ending = true;
      return later(async () => {
        if (!streamId) return;
        const info = { streamId, streamType: 'final' };
        await turn();
        await send({ type: 'message', text: text.slice(0, 1000), entities: [{ type: 'streaminfo', ...info }], channelData: info });
      });
    },
  };
}
