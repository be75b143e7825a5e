/**
 * Bounds that keep one probe small whatever the remote server does.
 * RFC 5321 §4.5.3.1.5 caps a reply line at 512 octets; we allow more for lenient servers but
 * stop long before a hostile one could make us buffer much.
 */
export const MAX_REPLY_LINE_BYTES = 2048;
/** Everything read from one server over the whole session (greeting, EHLO, STARTTLS, QUIT). */
export const MAX_SESSION_BYTES = 64 * 1024;
/** Text copied into a step's detail or the report (reply text, error messages). */
export const MAX_DETAIL_CHARS = 500;
/** EHLO capabilities kept; a real server advertises about ten. */
export const MAX_CAPABILITIES = 50;
/** How long a healthy session waits for `221` after QUIT before closing anyway. */
export const QUIT_WAIT_MS = 1000;
