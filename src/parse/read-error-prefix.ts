import { EXIM_SMTP_ERROR, REPLY_FOLLOWS } from './context-lines';
import { findBracketedAddress, isEmailAddress } from './email-address';
import { findRelayDestination } from './find-destination';
import { DOTTED_HOST } from './host-name';
import { MAX_HOST_CHARS } from './limits';
import { readNamedMailServer } from './named-mail-server';
import { readLoggedReplyHost } from './logged-reply-host';
import { pythonDictKey } from './python-dict-key';
import { readOutlookSendError } from './outlook-send-error';
import { openQuoteCloser, QUOTE_CLOSERS } from './quote-frames';
import { readNdrReturned } from './read-ndr-returned';
import { DID_NOT_LIKE, hostBefore, hostTalkedTo, ipToken, readQmailIp } from './relay-context';

/**
 * What the text just before a status code says about it: which frame the code sits in and the
 * fields that frame carries before the code (NDR attempt time, "Server at X (ip)", Postfix
 * "host X[ip] said:"). Only the window between the previous error and this code is read, at most
 * MAX_LOOKBACK_CHARS, so consecutive windows never overlap and the whole pass stays linear.
 */
export type FrameKind = 'trace' | 'ndr' | 'ndr-old' | 'relay' | 'none';

export interface ErrorPrefix {
  kind: FrameKind;
  /** Characters that close an NDR `returned '…'` frame; Outlook and forums turn ' into ‘ ’. */
  closeQuotes?: string;
  /** `Server at X (ip)`, `#<X #5.7.1`, Postfix `host X[ip]`: the host the reply came from. */
  host?: string;
  hostIp?: string;
  /** NDR attempt lines start with the attempt time. */
  time?: string;
  recipient?: string;
  /** `Remote Server returned '…'` names no host; the NDR lists it on the line above. */
  remoteServerWithoutHost: boolean;
  /** `LastError:` before the code, or a `{LED=` group with no message-trace `Reason:` (Queue Viewer shows those). */
  queueHint: boolean;
  /** The reply after qmail's "Remote host said:" or Gmail's "The response from the remote server was:" is quoted whole. */
  replyIsRemote: boolean;
  /** A reply code the frame puts apart from the status code: Python's `(550, b'5.1.1 …')`, Postfix's `said: 501 … 5.7.1`. */
  replyCode?: string;
  /** The `{KEY=` group sits in a message-trace `Reason: [` detail. */
  traceReason: boolean;
  excerptStart: number;
}

export interface PrefixHints {
  /** sendmail's "... while talking to mx.contoso.com.:" names the server for the `<<< 550` lines below it. */
  relayServer?: string;
  /** Set after "The response from the remote server was:" (Gmail relaying a rejection). */
  expectRelay: boolean;
  /** dma's "mx.contoso.com [203.0.113.9] did not like our RCPT TO:" names the server of the reply on the next line. */
  relayHost?: { host?: string; ip?: string };
  /**
   * A server named on a line of its own above the reply: Exim's `host mx.contoso.com [203.0.113.9]`
   * (before `SMTP error from remote mail server after …:`), Gmail's "… by mx.contoso.com. [203.0.113.9]."
   * Used when the reply's own frame names none.
   */
  heldHost?: { host?: string; ip?: string };
  /** The lines above are under a heading or label about versions (`### Symfony version(s) affected`): see isVersionItem. */
  underVersionHeading?: boolean;
}

const TRACE_KEY = /\{\s{0,3}[A-Za-z][A-Za-z ]{0,40}=/y;
// A mailing-list archive may repeat a name as its link after it: `host mx.contoso.com [mx.contoso.com][203.0.113.9] said:`.
const RELAY_HOST = /^(?:host|server)\s{1,8}([^\s[\]]{1,255})\s{0,3}(?:\[\1\])?(?:\[([^[\]\n]{0,100})\])?[\s,]{0,3}$/i;
/** Postfix wrapped after "host": the next line starts `X[ip] said:`; hosters' templates write `X [ip] said:`. */
const BARE_RELAY_HOST = /^\s{0,8}([^\s[\]]{1,255}) ?\[([^[\]\s]{0,100})\][\s,]{0,3}$/;
/** DragonFly dma / qmail-style "mx.contoso.com [203.0.113.9] did not like our final DATA:" (also RCPT TO:, MAIL FROM:). */
/**
 * Exim `host mx.contoso.com [203.0.113.9]: 550 …`, 1&1 `host: smtp.contoso.com (203.0.113.9) reason: 550 …`,
 * `SMTP:RCPT host 203.0.113.9: 553 …`: read on the text after the last "host" of the window.
 */
const HOST_BEFORE_REPLY = /^host:?[ \t]{1,3}([^\s[\]()]{1,255})[ \t]{0,3}(?:\[([^[\]\s]{1,100})\]|\(([^()\s]{1,100})\))?[ \t]{0,3}(?:reason[ \t]{0,3})?:$/i;
/** Python smtplib's `(550, b'5.1.1 …')` and `(501, '5.1.5 …')` (a forum may curl the quote): the reply code sits apart from the status code. */
const PYTHON_TUPLE = /\(([245]\d\d),[ \t]{0,2}b?['"\u2018\u2019\u201c\u201d]$/;
/** The reply code right after Postfix's `said:` when the status code comes later in the reply. */
const REPLY_AFTER_SAID = /^[ \t]{0,3}([245]\d\d)[ \t-]/;
/** Exim's `H=host [ip]` (or `H=host [ip]:port`) in a log line before "SMTP error from remote mail server", or `host X [ip]` in a flattened bounce. */
const EXIM_LOG_HOST = /^(?:h=|host[ \t]{1,3})([^\s[\]]{1,255})[ \t]{1,3}\[([^[\]\s]{1,100})\](?::\d{1,5})?:?[ \t]{0,3}$/i;
const OLD_HOST = /^#<\s{0,3}([A-Za-z0-9.*_-]{1,255})/;
/**
 * A host name alone before a colon, or with its address as Exim writes it when its bounce wraps after `host`
 * (`host` / `mx.contoso.com [203.0.113.9]: 553 …`). Its last label is all lower or all upper case, and it does not start
 * like a package (`com.`, `javax.`, `System.`), so an exception's name (`smtplib.SMTPDataError:`) is none.
 */
const LEADING_HOST = new RegExp(
  String.raw`^[ \t]{0,8}(?!(?:[Cc]om|[Oo]rg|[Nn]et|[Jj]ava|[Jj]avax|[Ss]ystem|[Mm]icrosoft|smtplib|email|io)\.)(${DOTTED_HOST}\.(?:[a-z]{2,24}|[A-Z]{2,6}))(?:[ \t]\[([^[\]\s]{1,100})\])?:$`,
);
/** After an old form's `#`: its reply (`#550 5.7.64 …`) or a code that quotes one (`#5.5.0 smtp;550 …`). */
const REPLY_AFTER_HASH = /^(?:[245]\d\d[ -]|[245]\.\d{1,3}\.\d{1,3} ?smtp;)/i;
const HOSTNAME = /^[A-Za-z0-9*#_-][A-Za-z0-9.*#_-]{0,254}$/;

export function readErrorPrefix(text: string, windowStart: number, tokenStart: number, rangeStart: number, hints: PrefixHints): ErrorPrefix {
  const w = text.slice(windowStart, tokenStart);
  const lw = w.toLowerCase();
  const prefix = newPrefix(
    // A short lead-in such as "LastError: " or "Status code: " belongs in the excerpt.
    windowStart === rangeStart && w.length <= 80 ? rangeStart : tokenStart,
    { queueHint: lw.includes('lasterror') || lw.includes('last error') },
  );
  const mark = (i: number): void => {
    if (i >= 0) prefix.excerptStart = Math.min(prefix.excerptStart, windowStart + i);
  };

  if (
    !readTraceGroup(w, lw, prefix, mark) &&
    !readNdrReturned(w, lw, prefix, mark) &&
    !readRelay(w, lw, prefix, mark, hints, windowStart === rangeStart) &&
    !readOutlook(w, lw, prefix)
  ) {
    readOldNdr(w, lw, prefix, mark, REPLY_AFTER_HASH.test(text.slice(tokenStart, tokenStart + 20)));
  }
  if (prefix.host === undefined && prefix.hostIp === undefined && prefix.kind !== 'trace' && prefix.kind !== 'ndr') {
    const named = readNamedMailServer(w, lw);
    if (named) {
      prefix.host = named.host;
      if (named.ip) prefix.hostIp = named.ip;
      if (prefix.kind === 'none') prefix.kind = 'relay';
    }
  }
  if (prefix.kind === 'none') prefix.closeQuotes = openQuoteCloser(w);
  const tuple = PYTHON_TUPLE.exec(w.slice(-12));
  if (tuple) prefix.replyCode = tuple[1];
  // smtplib's SMTPRecipientsRefused maps each refused recipient to its reply: `{'jane@contoso.com': (550, b'…')}`
  // (a bare reply is read at its reply code, so the window ends at the `(`).
  if (tuple || w.endsWith('(')) {
    const key = pythonDictKey(w, w.lastIndexOf('('));
    if (key) prefix.recipient = key;
  }
  if (prefix.host === undefined && prefix.hostIp === undefined && hints.heldHost && prefix.kind !== 'trace' && prefix.kind !== 'ndr') {
    if (hints.heldHost.host) prefix.host = hints.heldHost.host;
    if (hints.heldHost.ip) prefix.hostIp = hints.heldHost.ip;
    if (prefix.kind === 'none') prefix.kind = 'relay';
  }

  // A Postfix log line names where it went before the reply: `relay=mx.contoso.com[203.0.113.9]:25, …, status=sent (250 2.0.0 …)`; Exim's `H=X [ip]`.
  const eximAt = w.lastIndexOf(' H=');
  // sendmail's own refusal of a client (`ruleset=check_rcpt, …, relay=client.example [ip], reject=550 …`) names the client, not a destination.
  const refusedClient = lw.includes('ruleset=') && lw.includes('reject=');
  const relayAt = prefix.host === undefined && !refusedClient ? Math.max(lw.lastIndexOf('relay='), eximAt < 0 ? -1 : eximAt + 1) : -1;
  if (relayAt >= 0) {
    const where = findRelayDestination(w.slice(relayAt));
    if (where?.server) prefix.host = where.server;
    if (where?.ip) prefix.hostIp = where.port === undefined ? where.ip : `${where.ip}:${where.port}`;
  }

  const rcpt = lw.lastIndexOf('rcpt to:');
  if (rcpt >= 0) {
    const rest = w.slice(rcpt + 8).trim();
    const close = rest.indexOf('>');
    const candidate = rest.startsWith('<') && close > 0 ? rest.slice(1, close) : rest.split(/\s/, 1)[0];
    if (isEmailAddress(candidate)) prefix.recipient = candidate;
  }
  if (!prefix.recipient) {
    const bracketed = findBracketedAddress(w);
    if (bracketed) prefix.recipient = bracketed;
  }
  return prefix;
}

export type Mark = (i: number) => void;

/** A prefix that says nothing yet, with what a reader already knows (`read-connect-failure.ts` and `read-dotnet-status.ts` build theirs so). */
export function newPrefix(excerptStart: number, known: Partial<ErrorPrefix> = {}): ErrorPrefix {
  return { kind: 'none', remoteServerWithoutHost: false, replyIsRemote: false, queueHint: false, traceReason: false, excerptStart, ...known };
}

/** `Reason: [{LED=450 4.4.316 …` or `{MSG=451 4.4.0 …`: the code sits inside an open `{KEY=` group. */
function readTraceGroup(w: string, lw: string, prefix: ErrorPrefix, mark: Mark): boolean {
  const brace = w.lastIndexOf('{');
  if (brace < 0 || w.indexOf('}', brace) >= 0) return false;
  TRACE_KEY.lastIndex = brace;
  if (!TRACE_KEY.test(w)) return false;
  prefix.kind = 'trace';
  const reason = lw.lastIndexOf('reason:', brace);
  prefix.traceReason = reason >= 0;
  mark(reason >= 0 ? reason : brace);
  return true;
}

/** Postfix `host X[ip] said:`, sendmail `(reason:` and `<<<` transcript lines, Gmail's relayed reply. */
function readRelay(w: string, lw: string, prefix: ErrorPrefix, mark: Mark, hints: PrefixHints, atLineStart: boolean): boolean {
  const tail = lw.trimEnd();
  // Postfix `said: 501 Rcpt-To validation failed: … 5.7.1 …`: the status code comes later in the reply.
  const saidAt = tail.endsWith('said:') ? -1 : tail.lastIndexOf(' said:');
  if (saidAt >= 0 && tail.length - saidAt < 200 && !tail.endsWith('remote host said:')) {
    const reply = REPLY_AFTER_SAID.exec(w.slice(saidAt + 6, saidAt + 12));
    if (reply) {
      prefix.replyCode = reply[1];
      return readRelay(w.slice(0, saidAt + 6), lw.slice(0, saidAt + 6), prefix, mark, hints, atLineStart);
    }
  }
  const refused = tail.endsWith('refused to talk to me:') ? tail.length - 22 : -1;
  if (tail.endsWith('said:') || refused >= 0) {
    prefix.kind = 'relay';
    const said = refused >= 0 ? refused : tail.length - 5;
    mark(said);
    // qmail: "Remote host said: 550 …"; the server is on the lines around it.
    if (tail.endsWith('remote host said:')) {
      prefix.replyIsRemote = true;
      // Flattened onto one line: `203.0.113.77 does not like recipient. Remote host said: 550 …`.
      const ip = readQmailIp(w, lw);
      if (ip) prefix.hostIp = ip;
      mark(tail.length - 17);
      return true;
    }
    // Postfix: `host X[ip] said:`; for a SASL failure `server X[ip] said:`.
    const h = Math.max(lw.lastIndexOf('host ', said), lw.lastIndexOf('server ', said));
    const m = h >= 0 ? RELAY_HOST.exec(w.slice(h, said)) : atLineStart ? BARE_RELAY_HOST.exec(w.slice(0, said)) : null;
    // `host[] said:`: a page that lost the name and the address names nothing.
    if (m && (m[1].includes('.') || (m[2] !== undefined && (m[2] !== '' || m[1].toLowerCase() !== 'host')))) {
      prefix.host = m[1];
      // qmail's `remote host 203.0.113.9 said:` names the server by its address.
      const ip = m[2] || (/^[0-9.]+$/.test(m[1]) ? m[1] : undefined);
      if (ip) prefix.hostIp = ip;
      mark(Math.max(h, 0));
    }
    return true;
  }
  if (tail.endsWith(':')) {
    // `host ` or `host:`, not the start of a name such as `host.tufts.edu`.
    const h = Math.max(lw.lastIndexOf('host ', tail.length - 2), lw.lastIndexOf('host:', tail.length - 2));
    const m = h >= 0 && (h === 0 || /[\s:]/.test(lw[h - 1])) ? HOST_BEFORE_REPLY.exec(tail.slice(h)) : null;
    if (m) {
      const named = w.slice(h, h + m[0].length);
      const exact = HOST_BEFORE_REPLY.exec(named);
      if (exact && (exact[1].includes('.') || exact[2] !== undefined || exact[3] !== undefined)) {
        prefix.kind = 'relay';
        prefix.host = exact[1];
        // `host 203.0.113.9:` names the server by its address.
        const ip = exact[2] ?? exact[3] ?? (/^[0-9.]+$/.test(exact[1]) ? exact[1] : undefined);
        if (ip) prefix.hostIp = ip;
        mark(h);
        return true;
      }
    }
    // `gmail-smtp-in.l.google.com: 550-5.7.26 …`: a line that starts with the name of the server that replied.
    const leading = atLineStart ? LEADING_HOST.exec(w.trimEnd()) : null;
    if (leading) {
      prefix.kind = 'relay';
      prefix.host = leading[1];
      if (leading[2]) prefix.hostIp = leading[2];
      mark(0);
      return true;
    }
  }
  const logged = tail.endsWith(':') || tail.endsWith('with code') ? readLoggedReplyHost(w) : undefined;
  if (logged) {
    prefix.kind = 'relay';
    prefix.host = logged.host;
    if (logged.ip) prefix.hostIp = logged.ip;
    mark(logged.start);
    return true;
  }
  // Exim's log line: `H=mx.contoso.com [203.0.113.9]: SMTP error from remote mail server after RCPT TO:<jane@contoso.com>: 452 …`.
  const exim = tail.endsWith(':') ? lw.lastIndexOf(EXIM_SMTP_ERROR) : -1;
  if (exim >= 0 && tail.length - exim <= 40 + MAX_HOST_CHARS) {
    prefix.kind = 'relay';
    // Exim's log `H=X [ip]: SMTP error …`, or its bounce flattened onto one line: `host X [ip] SMTP error …`.
    for (const h of [lw.lastIndexOf('h=', exim), lw.lastIndexOf('host ', exim)]) {
      const m = h >= 0 && (h === 0 || /\s/.test(lw[h - 1])) ? EXIM_LOG_HOST.exec(w.slice(h, exim)) : null;
      if (!m) continue;
      prefix.host = m[1];
      prefix.hostIp = m[2];
      mark(h);
      return true;
    }
    mark(exim);
    return true;
  }
  const dnl = lw.lastIndexOf(DID_NOT_LIKE);
  if (dnl >= 0 && tail.endsWith(':') && tail.length - dnl <= 48) {
    prefix.kind = 'relay';
    readHostBefore(w, dnl, prefix, mark);
    return true;
  }
  if (tail.endsWith('(reason:')) {
    prefix.kind = 'relay';
    mark(tail.length - 8);
    return true;
  }
  // sendmail's transcript (`<<< 550 …`), also behind a log prefix (OpenSMTPD `mta: 0x…: <<< 554-…`), and MailKit's protocol log (`S: 550 …`).
  const lead = tail.trimStart();
  // A transcript flattened onto one line: `… while talking to mx.contoso.com.: >>> RCPT To:<…> <<< 550 …`.
  const talking = lead.endsWith('<<<') ? lw.lastIndexOf('while talking to ') : -1;
  if ((atLineStart && (lead.startsWith('<<<') || lead === 's:')) || (lead.endsWith('<<<') && (lead.length <= 80 || talking >= 0))) {
    prefix.kind = 'relay';
    const host = hints.relayServer ?? (talking >= 0 ? hostTalkedTo(w, talking) : undefined);
    if (host) prefix.host = host;
    // `... while talking to [203.0.113.9]:` names the server by its address.
    if (host && ipToken(host) === host) prefix.hostIp = host;
    mark(0);
    return true;
  }
  if (hints.expectRelay || REPLY_FOLLOWS.some((lead) => tail.endsWith(lead))) {
    prefix.kind = 'relay';
    if (hints.relayHost?.host) prefix.host = hints.relayHost.host;
    if (hints.relayHost?.ip) prefix.hostIp = hints.relayHost.ip;
    // The reply is the remote server's own; a bracketed IP in it is the sender's (5.7.606 "banned sending IP [x]").
    prefix.replyIsRemote = true;
    return true;
  }
  return false;
}

/** Outlook's "Server: 'X', … Server Response: '550 …'": the reply is X's own (outlook-send-error.ts). */
function readOutlook(w: string, lw: string, prefix: ErrorPrefix): boolean {
  const outlook = readOutlookSendError(w, lw);
  if (!outlook) return false;
  prefix.kind = 'relay';
  prefix.replyIsRemote = true;
  // The reply ends at its closing quote, before Outlook's `, Port: 25, Secure (SSL): No, …`.
  prefix.closeQuotes = QUOTE_CLOSERS[w.trimEnd().slice(-1)];
  if (outlook.host) prefix.host = outlook.host;
  return true;
}

function readHostBefore(w: string, end: number, prefix: ErrorPrefix, mark: Mark): void {
  const named = hostBefore(w, end);
  if (named.host) prefix.host = named.host;
  if (named.ip) prefix.hostIp = named.ip;
  mark(named.start);
}

/** Exchange 2003-2010 forms: `#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##`, `mx.contoso.com #<mx.contoso.com #5.7.1 smtp;530 …> #SMTP#`. */
function readOldNdr(w: string, lw: string, prefix: ErrorPrefix, mark: Mark, replyAfterHash: boolean): void {
  const tail = w.trimEnd();
  if (!tail.endsWith('#') && !lw.trimEnd().endsWith('smtp;')) return;
  prefix.kind = 'ndr-old';
  const open = w.lastIndexOf('#<');
  if (open < 0) {
    // Exchange 2007/2010: `mx.contoso.com #550 5.7.64 TenantAttribution; Relay Access Denied ##`: the server that answered,
    // before the `#` and its reply. Exchange 2003's `Servername.contoso.com #5.5.3` and `<contoso.com #5.2.2>` trailers, with
    // no reply after the code, name the server that wrote the NDR.
    const hash = w.lastIndexOf('#');
    const before = w.slice(Math.max(0, hash - MAX_HOST_CHARS - 1), hash);
    // Exchange 2003's `<mx.contoso.com #5.5.0 smtp;550 …>` names the server whose reply it quotes too.
    const word = replyAfterHash && before.endsWith(' ') ? (before.trim().split(/\s/).pop() ?? '') : '';
    const lead = word.startsWith('<') ? word.slice(1) : word;
    if (lead && HOSTNAME.test(lead) && lead.includes('.') && !lead.includes('@')) {
      prefix.host = lead;
      mark(w.slice(0, hash).trimEnd().length - word.length);
    } else mark(hash);
    return;
  }
  mark(open);
  const inner = OLD_HOST.exec(w.slice(open));
  const lead =
    w
      .slice(Math.max(0, open - MAX_HOST_CHARS - 1), open)
      .trim()
      .split(/\s/)
      .pop() ?? '';
  if (lead && HOSTNAME.test(lead) && lead.includes('.')) {
    prefix.host = lead;
    mark(w.slice(0, open).trimEnd().length - lead.length);
  } else if (inner?.[1].includes('.')) {
    prefix.host = inner[1];
  }
}
