import { MAX_HOST_CHARS } from './limits';
import { hasCloseQuote, QUOTE_CLOSERS } from './quote-frames';
import type { ErrorPrefix, Mark } from './read-error-prefix';

/** The attempt time an NDR history line starts with, before ` - Server at …`. */
const DATE_AT_END =
  /(\d{1,2}\/\d{1,2}\/\d{4}\s{1,3}\d{1,2}:\d{2}(?::\d{2})?(?:\s{0,2}[AaPp]\.?[Mm]\.?)?|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?Z?|\d{1,2}\.\d{1,2}\.\d{4}\s{1,3}\d{1,2}:\d{2}(?::\d{2})?)\s{0,3}-?\s{0,3}$/;
/** The host at the start of an old-form reply quoted by a newer NDR: `'<mx.contoso.com #5.0.0 smtp;…`. */
const QUOTED_OLD_HOST = /^<[ \t]{0,3}([A-Za-z0-9][A-Za-z0-9.-]{0,253})[ \t]{1,3}#(?:[245]\.|$)/;

/** `6/14/2023 9:41:07 AM - Server at mail.contoso.com (203.0.113.5) returned '450 4.4.316 …` and `Remote Server returned '…`. */
export function readNdrReturned(w: string, lw: string, prefix: ErrorPrefix, mark: Mark): boolean {
  const r = lw.lastIndexOf('returned');
  if (r < 0) return false;
  let j = r + 8;
  while (j < w.length && j < r + 12 && (w[j] === ' ' || w[j] === '\t')) j++;
  const closers = QUOTE_CLOSERS[w[j]];
  if (!closers) {
    // Without the quotes: `Remote Server returned <gmail-smtp-in.l.google.com #5.7.26 smtp; 550-5.7.26 …`.
    const bare = w[j] === '<' ? QUOTED_OLD_HOST.exec(w.slice(j, j + MAX_HOST_CHARS + 8)) : null;
    if (!bare?.[1].includes('.')) return false;
    prefix.kind = 'ndr';
    prefix.host = bare[1];
    mark(r);
    return true;
  }
  if (hasCloseQuote(w, j + 1, closers)) return false;
  prefix.kind = 'ndr';
  prefix.closeQuotes = closers;
  mark(r);
  // Exchange 2007/2010 quote the old form inside: `Remote Server returned '<mx.contoso.com #5.0.0 smtp; 554 5.7.1 …>'`.
  const inner = QUOTED_OLD_HOST.exec(w.slice(j + 1, j + 1 + MAX_HOST_CHARS + 8));
  if (inner?.[1].includes('.')) prefix.host = inner[1];

  const before = lw.slice(0, r);
  const at = before.lastIndexOf('server at ');
  if (at < 0) {
    const remote = before.lastIndexOf('remote server');
    if (remote >= 0 && before.slice(remote + 13).trim() === '') {
      prefix.remoteServerWithoutHost = true;
      mark(remote);
    }
    return true;
  }
  mark(at);
  const segment = w.slice(at + 10, r).trim();
  let host = segment;
  if (segment.endsWith(')')) {
    const open = segment.lastIndexOf('(');
    if (open >= 0) {
      host = segment.slice(0, open).trim();
      const ip = segment.slice(open + 1, -1).trim();
      if (ip) prefix.hostIp = ip;
    }
  }
  if (host && host.length <= MAX_HOST_CHARS && !/\s/.test(host)) prefix.host = host;

  let head = w.slice(0, at);
  if (head.toLowerCase().endsWith('remote ')) head = head.slice(0, -7);
  const date = DATE_AT_END.exec(head);
  if (date) {
    prefix.time = date[1];
    mark(date.index);
  }
  return true;
}
