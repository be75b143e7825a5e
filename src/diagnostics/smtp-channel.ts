import type { Socket } from 'node:net';
import { settleWithin } from './settle-within';
import { createReplyReader, type ReaderOverflow, type ReplyReader, type SmtpReply } from './smtp-reply-reader';
import { errorCode, describeError } from './text';

/** What one read of an SMTP reply can end with. Never an exception. */
export type ReadResult =
  | { kind: 'reply'; reply: SmtpReply }
  | { kind: 'timeout' }
  | { kind: 'aborted' }
  | { kind: 'closed' }
  | { kind: 'error'; code?: string; message: string }
  | { kind: 'overflow'; overflow: ReaderOverflow };

export interface SmtpChannel {
  /** The next reply, or why there is none; waits at most `timeoutMs`. */
  read(timeoutMs: number, signal?: AbortSignal): Promise<ReadResult>;
  send(command: string): void;
  /** Still open and not misbehaving, so a polite QUIT makes sense. */
  readonly usable: boolean;
  /** Stops listening, before the socket is handed to TLS (RFC 3207: bytes sent before the handshake are discarded). */
  detach(): void;
}

/**
 * Line-oriented view of one socket. Replies queue up as they arrive; the first end
 * (error, close, overflow) is kept and reported once the queued replies have been read.
 * On overflow the socket is destroyed at once, so a hostile server cannot make us read more.
 */
export function openChannel(socket: Socket, reader: ReplyReader = createReplyReader()): SmtpChannel {
  const queue: SmtpReply[] = [];
  let ended: ReadResult | undefined;
  let wake: (() => void) | undefined;

  const onData = (chunk: Buffer): void => {
    const { replies, overflow } = reader.push(chunk);
    queue.push(...replies);
    if (overflow && !ended) {
      ended = { kind: 'overflow', overflow };
      socket.destroy();
    }
    wake?.();
  };
  const onError = (err: Error): void => {
    ended ??= { kind: 'error', code: errorCode(err), message: describeError(err) };
    wake?.();
  };
  const onClose = (): void => {
    ended ??= { kind: 'closed' };
    wake?.();
  };
  const take = (): ReadResult | undefined => {
    const reply = queue.shift();
    return reply ? { kind: 'reply', reply } : ended;
  };

  socket.on('data', onData);
  socket.on('error', onError);
  socket.on('end', onClose);
  socket.on('close', onClose);

  return {
    async read(timeoutMs, signal) {
      const ready = take();
      if (ready) return ready;
      const result = await settleWithin<ReadResult>(timeoutMs, signal, (settle) => {
        wake = () => {
          const next = take();
          if (next) settle(next);
        };
      });
      wake = undefined;
      return typeof result === 'string' ? { kind: result } : result;
    },
    send(command) {
      if (!ended && !socket.destroyed) socket.write(`${command}\r\n`);
    },
    get usable() {
      return !ended && !socket.destroyed;
    },
    detach() {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('end', onClose);
      socket.off('close', onClose);
    },
  };
}
