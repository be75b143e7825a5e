/**
 * Shapes of the smart-host probe: what the bot asks for and what the card shows.
 * EOP codes and their meaning: https://learn.microsoft.com/defender-office-365/connectors-mail-flow-intelligence
 */

export type EopCode = '4.4.312' | '4.4.315' | '4.4.316' | '4.4.317' | '4.4.318' | '4.7.320';

/** The checks in the order they run; every report lists all of them, in this order. */
export const STEP_NAMES = ['dns', 'tcp', 'ptr', 'banner', 'ehlo', 'starttls', 'tls', 'certificate'] as const;
export type StepName = (typeof STEP_NAMES)[number];

export interface ProbeStep {
  name: StepName;
  /** 'skipped': not run because an earlier step failed or the probe was refused by policy. */
  status: 'ok' | 'fail' | 'warn' | 'skipped';
  /** machine-readable outcome, e.g. 'NXDOMAIN','SERVFAIL','DNS_TIMEOUT','REFUSED','TIMEOUT','RESET','CLOSED','BANNER_421','BANNER_554','STARTTLS_NOT_OFFERED','STARTTLS_REJECTED','HANDSHAKE_FAILED','CERT_EXPIRED','CERT_NOT_YET_VALID','NAME_MISMATCH','UNTRUSTED','SELF_SIGNED','FIREWALL_MASKED_BANNER','OK' ... */
  outcome: string;
  /** raw facts for the card: reply text as received (bounded 500 chars), addresses, capabilities, error code/message; never a stack */
  detail: string;
  ms: number;
  /** what this step talked to: the name looked up, or the address connected to; the card's words about an error name it */
  peer?: string;
  /** the Node error code behind this step (ECONNREFUSED, ENOTFOUND, ...), which the card says in words */
  errno?: string;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  san: string[];
  validFrom: string;
  /** ISO-8601 */
  validTo: string;
  daysLeft: number;
  trusted: boolean;
  trustError?: string;
  nameMatches: boolean;
  checkedName: string;
  fingerprint256: string;
  selfSigned: boolean;
}

export interface ProbeReport {
  target: { host: string; port: number; isIp: boolean };
  /** resolved (or the IP given) */
  addresses: string[];
  connectedAddress?: string;
  /** the address the TCP step connected to or tried: the one the PTR step looks up */
  triedAddress?: string;
  /** reverse DNS names of triedAddress; [] when it has none */
  ptrNames?: string[];
  steps: ProbeStep[];
  /** the EOP code this failure would cause; undefined when healthy or when refused by policy */
  eopCode?: EopCode;
  healthy: boolean;
  banner?: string;
  ehloCapabilities?: string[];
  starttlsOffered?: boolean;
  tlsProtocol?: string;
  certificate?: CertificateInfo;
  /** set when the probe refused to run (nothing was connected to) */
  refused?: { reason: 'private-address' | 'port-not-allowed' | 'invalid-target'; detail: string };
  /** set when the target's lookup failed and so did the control name's: the bot's own DNS is broken, so no EOP code is predicted */
  botDnsBroken?: { checkName: string };
}

export interface MxRecord {
  exchange: string;
  priority: number;
}

export interface Resolver {
  resolve4(host: string): Promise<string[]>;
  resolve6(host: string): Promise<string[]>;
  resolveMx(host: string): Promise<MxRecord[]>;
  /** PTR names of an address (node:dns/promises Resolver#reverse) */
  reverse(ip: string): Promise<string[]>;
}

export interface ProbeOptions {
  /** each step's own timeout (the bot's PROBE_TIMEOUT_MS, default 10000) */
  timeoutMs: number;
  /** PROBE_ALLOW_PRIVATE */
  allowPrivate: boolean;
  /** PROBE_PORTS, default [25,465,587,2525] */
  allowedPorts: '*' | number[];
  /** default: node:dns/promises Resolver with timeout; tests pass a fake */
  resolver?: Resolver;
  /** PEMs trusted IN ADDITION to Node's tls.rootCertificates (NODE_EXTRA_CA_CERTS is read only at process start) */
  trustedCa?: string[];
  /**
   * DNS_CHECK_NAME, default 'outlook.com': a name that must resolve. When the target's lookup fails, this
   * one is looked up with the same resolver; if it fails too, the bot's own DNS is at fault, not the target's.
   */
  dnsCheckName?: string;
  /** default 'mailflowdoctor.invalid' */
  ehloName?: string;
  /** called after each step, for live card updates; an exception thrown here is ignored */
  onStep?: (step: ProbeStep, report: ProbeReport) => void;
  signal?: AbortSignal;
}

/** What a step helper returns: the step's verdict, and the EOP code when it failed. */
export interface StepResult {
  status: ProbeStep['status'];
  outcome: string;
  detail: string;
  eopCode?: EopCode;
  /** the Node error code this verdict came from */
  errno?: string;
  /** what the step talked to, when not what the probe was talking to then (the MX host a lookup failed for) */
  peer?: string;
}
