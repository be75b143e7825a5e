import type { ChangeKind } from '../remediation/change';

/**
 * The shape of one locale's knowledge file, `src/knowledge/locales/<locale>.json`.
 * Texts are plain sentences (no markdown, no HTML): the cards escape and lay them out.
 */
export interface KnowledgeFile {
  locale: string;
  /** Enhanced status code (e.g. "4.4.316") or a range key (e.g. "4.7.500-699") → what we know about it. */
  codes: Record<string, CodeKnowledge>;
  /** The article's "Other error codes" guidance, for routing and connection codes (X.4.X) not in `codes`. */
  other: {
    meaning: string;
    fixes: string[];
  };
  /** For a code outside the knowledge base and outside routing and connections (subject 4): point at the paste's own words. */
  unlisted: {
    meaning: string;
    fixes: string[];
  };
  /** The "if the error is from a partner, contact the partner" sentence. */
  partner: string;
  /** Microsoft 365 URLs and IP address ranges link text and address (firewall fixes). */
  ipRangesUrl: string;
  /** RFC 3463 meanings, used for every code as background and as the fallback for unknown codes. */
  rfc3463: {
    /** "2", "4", "5" → class meaning. */
    class: Record<string, string>;
    /** "0".."7" → subject meaning. */
    subject: Record<string, string>;
    /** "X.Y" (subject.detail, e.g. "4.4") → detail meaning. */
    detail: Record<string, string>;
  };
  /** Winsock / Win32 error number (e.g. "10061") → name and meaning. */
  socketErrors: Record<string, { name: string; meaning: string }>;
  /**
   * What Microsoft 365's own error detail (`[Message=SubjectMismatch]`) or a remote server's reply means.
   * The first entry whose `match` occurs in the text (ignoring case) wins.
   */
  details: {
    /** Stands for the destination in a headline when the paste names no server ("" in English). */
    destinationUnknown: string;
    entries: DetailKnowledge[];
  };
}

export interface DetailKnowledge {
  /** A token or phrase, e.g. "SubjectMismatch", "STARTTLS is required". */
  match: string;
  /** What it means, as the end of a sentence ("the name does not exist in DNS"). */
  meaning: string;
  /** The causes this detail leaves, in place of the code's general ones (a name mismatch is not an expiry). */
  causes?: string[];
}

export interface CodeKnowledge {
  /** Short name, e.g. "Connection refused". */
  name: string;
  /**
   * The first line of the card, one plain sentence: what is wrong, with {destination} (server and IP) and
   * {port}. Codes without one open with the first sentence of `meaning`.
   */
  headline?: string;
  /** What it means, one or two sentences. */
  meaning: string;
  /** Likely causes, one sentence each. */
  causes: string[];
  /** Fix steps, one sentence each, in order. */
  fixes: string[];
  /** A documentation address for this code. */
  docUrl: string;
  /** True for the mail flow intelligence connector errors (and their expired 5.4.3xx forms). */
  connector?: boolean;
  /** For an expired form (5.4.316, 4.4.7, ...): the connector code it is the final bounce of, if one. */
  expiredFormOf?: string;
  /**
   * The Fix now kinds this code offers, by change kind (remediation/kinds/index.ts lists them). The Fix now
   * button, its hint and the confirmation follow from this list; the same in every locale.
   */
  remediations?: ChangeKind[];
  /** True when the 24 h retry window applies (4.x.x deferrals through a connector). */
  retried?: boolean;
}
