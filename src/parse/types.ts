/**
 * What the parser extracts from one delivery error found in pasted text.
 * Every field except `enhancedCode` is optional: a paste holds what it holds.
 * Values are copied as posted (anonymised `xxx` stays `xxx`), trimmed, and bounded in length.
 */
export interface ParsedError {
  /** RFC 3463 enhanced status code, e.g. "4.4.316". */
  enhancedCode: string;
  /**
   * Set when the paste gives no enhanced code for this failure, only a bare SMTP reply (`554 Transaction
   * failed`, `(550, b'relay not permitted')`): `enhancedCode` is then the reply's class as RFC 3463 §3.1
   * writes it without detail, `X.0.0`, and is not text of the paste.
   */
  enhancedCodeInferred?: true;
  /** SMTP reply code before it, e.g. "450" (absent when the paste has none, e.g. DSN `Status:`). */
  replyCode?: string;
  /** The text after the code up to the first bracket field, e.g. "Connection refused". */
  description?: string;
  /** The remote server's own reply or the detail: `[Message=...]`, `{MSG=...}`, a quoted reply. */
  remoteReply?: string;
  /** Enhanced status codes quoted inside `remoteReply` (e.g. "5.7.3" in "451 5.7.3 STARTTLS is required"). */
  quotedCodes: string[];
  /** Destination server: LastAttemptedServerName, FQDN, "Server at X", Remote-MTA, Postfix host. Never a Microsoft-internal EOP host. */
  server?: string;
  /**
   * Set instead of `server` when the paste names the destination only by a placeholder or a masked name
   * (`<YourConnectionPoint.domain>`, `<smtp.example.com>` in a KB template), brackets removed. Stated on
   * the card as the paste's placeholder; never probed, never matched to a connector.
   */
  serverPlaceholder?: string;
  /** Destination IP as posted (IPv4 or IPv6, or an anonymised form such as "###.###.###.###"). */
  ip?: string;
  /** Destination port when the paste gives one (LastAttemptedIP=203.0.113.5:25 → 25). */
  port?: number;
  /** Winsock / Win32 socket error code, e.g. 10061. */
  socketError?: number;
  /** Last retry time as posted, e.g. "6/14/2023 9:41:07 AM" (LRT=) or an ISO time from an EOP tag. */
  lastRetryRaw?: string;
  /** The same time as an ISO-8601 UTC string when it could be read unambiguously. */
  lastRetryIso?: string;
  /** Recipient address when present. */
  recipient?: string;
  /** How many times the same error (code, server, IP, reply) appears in the paste, when more than once. */
  occurrences?: number;
  /**
   * `'delivered'`: not a failure but a success the paste shows for a recipient or a message: a positive
   * completion reply (RFC 5321 §4.2.1, 250 or 251) with its 2.x.x code, such as `250 2.1.5 Recipient OK`,
   * `250 2.0.0 Ok: queued as …`, Exchange's `250 2.6.0 <id> Queued mail for delivery`, or a DSN block with
   * `Action: delivered`. Absent on every failure, so a caller that only wants failures filters on it.
   * Not reported at all: the other successes of a session (`220 2.0.0 Ready to start TLS`, the sender's
   * `250 2.1.0 Sender OK`, `235 2.7.0 Authentication successful`), a bare `2.x.x` without a reply code (as
   * often a version as a code), and a success followed by a failure to the same destination (a step of the
   * session that then failed, such as `250 2.1.5` before `554 5.7.1` at DATA).
   */
  outcome?: 'delivered';
  /** Which shape it was read from. */
  format: ParsedFormat;
  /** The snippet of the paste this error was read from, at most 500 characters. */
  excerpt: string;
}

export type ParsedFormat =
  | 'message-trace' // Reason: [{LED=...};{MSG=...};{FQDN=...};{IP=...};{LRT=...}]
  | 'led' // 450 4.4.316 Connection refused [Message=...] [LastAttemptedServerName=...] ...
  | 'ndr' // NDR body: Remote Server returned / Server at X returned / #550 5.1.1 ... ##
  | 'dsn' // message/delivery-status: Status:, Diagnostic-Code:
  | 'queue' // on-premises queue LastError
  | 'relay' // third-party MTA (Postfix, sendmail, ...)
  | 'plain'; // a bare code with or without text
