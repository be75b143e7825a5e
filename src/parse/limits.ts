/**
 * Bounds that keep the parser linear on hostile input and its output small.
 * Every look-ahead stops at one of these, so no position of the paste is scanned more than a
 * constant number of times (see parse-errors.ts).
 */
export const MAX_FIELD_CHARS = 1000;
export const MAX_EXCERPT_CHARS = 500;
/** Unique errors returned; a paste with more is truncated, not rejected. */
export const MAX_ERRORS = 500;
/** Errors read before de-duplication; stops a paste of 300k identical lines from doing 300k reads. */
export const MAX_RAW_ERRORS = 20000;
/** How far back from a status code we look for its frame ("Server at X returned '", "{LED=", "said:"). */
export const MAX_LOOKBACK_CHARS = 400;
/** Errors one DSN recipient block keeps; a real block has one Diagnostic-Code, a hostile one thousands. */
export const MAX_DSN_BLOCK_ERRORS = 64;
/** `[Key=value]` fields after one code; a real LED line has six. */
export const MAX_BRACKET_FIELDS = 16;
/** `{KEY=value}` groups in one message-trace Reason; a real one has five or six. */
export const MAX_TRACE_GROUPS = 12;
/** Longest hostname (RFC 1035) and longest address line we consider. */
export const MAX_HOST_CHARS = 255;
export const MAX_ADDRESS_LINE_CHARS = 330;
