/** The only part of the bot that opens sockets: one probe of a smart host, and the rules around it. */
export { parseTarget } from './parse-target';
export { probeDestination } from './probe-destination';
export { isPublicAddress } from './is-public-address';
export { createProbeLimiter } from './probe-limiter';
export type { CertificateInfo, EopCode, ProbeOptions, ProbeReport, ProbeStep, Resolver, StepName } from './types';
