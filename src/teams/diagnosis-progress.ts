import type { ConversationReference } from 'botbuilder';
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
 */
export function diagnosisProgress(sender: ProactiveSender, reference: Partial<ConversationReference>, personal: boolean, logger: Logger): DiagnosisProgress {
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
  const stream = (text: string) =>
    later(async () => {
      sequence++;
      const info = { streamType: 'informative', streamSequence: sequence, ...(streamId && { streamId }) };
      const id = await sender.send(reference, { type: 'typing', text: text.slice(0, 1000), entities: [{ type: 'streaminfo', ...info }], channelData: info });
      if (!streamId) streamId = id;
    });
  return {
    start: (text) => void stream(text),
    step: (text) => void stream(text),
    // Teams ends a stream with its final message; without one it would wait for more.
    end: (text) =>
      later(async () => {
        if (!streamId) return;
        const info = { streamId, streamType: 'final' };
        await sender.send(reference, { type: 'message', text: text.slice(0, 1000), entities: [{ type: 'streaminfo', ...info }], channelData: info });
      }),
  };
}
