/**
 * Microsoft's own signals about the tenant's mail flow: the message trace (what is queued and why) and
 * Exchange Online's service health. Graph's JSON is read into these shapes by read-graph-json.ts, for the
 * real tenant and the simulated one alike, so the cards never see where a reading came from.
 */

/** One row of the message trace (Graph `exchangeMessageTrace`), one per recipient. */
export interface MessageTrace {
  id: string;
  messageId: string;
  senderAddress: string;
  recipientAddress: string;
  subject: string;
  /** Lower-cased Graph status: pending, delivered, failed, expanded, quarantined, filteredasspam, gettingstatus, … */
  status: string;
  /** ISO UTC */
  receivedDateTime: string;
  fromIP?: string;
  toIP?: string;
  size?: number;
}

/** One event of a message's journey to one recipient (Graph `exchangeMessageTraceDetail`). */
export interface MessageTraceDetail {
  id: string;
  /** Lower-cased: receive, defer, send, fail, deliver, expand, transfer, … (Graph's samples capitalise them) */
  event: string;
  action?: string;
  description: string;
  /** ISO UTC */
  dateTime: string;
  data?: string;
}

/** An Exchange Online service health issue (Graph `serviceHealthIssue`), with its newest post as text. */
export interface HealthIssue {
  id: string;
  title: string;
  impactDescription: string;
  /** Lower-cased: incident, advisory */
  classification: string;
  /** As Graph spells it (serviceDegradation, ServiceRestored, …); compare with sameStatus(). */
  status: string;
  service: string;
  feature?: string;
  featureGroup?: string;
  isResolved: boolean;
  startDateTime: string;
  endDateTime?: string;
  lastModifiedDateTime: string;
  latestPost?: { createdDateTime: string; text: string };
}

export interface TraceQuery {
  /** Inclusive window; the source splits it into Graph's windows of at most 10 days. */
  start: Date;
  end: Date;
  /** Graph status to filter on (lower-case); all rows when absent. */
  status?: string;
  recipientAddress?: string;
}

export interface SignalsSource {
  readonly kind: 'simulated' | 'graph';
  /** Every trace row in the window, paging and the 10-day split handled inside. */
  messageTraces(query: TraceQuery): Promise<MessageTrace[]>;
  /** The events of one trace row (getDetailsByRecipient). */
  traceDetails(trace: Pick<MessageTrace, 'id' | 'recipientAddress'>): Promise<MessageTraceDetail[]>;
  /** Exchange Online's issues as Graph lists them, resolved ones included (callers filter). */
  serviceHealthIssues(): Promise<HealthIssue[]>;
}

/**
 * Graph said no, in words an admin can act on. `permission` names the Graph application permission that
 * is missing (MessageTrace.Read.All …); `step` is what to do about it.
 */
export class SignalsError extends Error {
  constructor(
    readonly code: 'forbidden' | 'unauthorized' | 'throttled' | 'unavailable' | 'invalid',
    message: string,
    readonly detail: { permission?: string; step?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
  }
}
