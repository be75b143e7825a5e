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
