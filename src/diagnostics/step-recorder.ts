import { clip, describeError } from './text';
import { STEP_NAMES, type ProbeReport, type ProbeStep, type StepName, type StepResult } from './types';

export interface StepRecorder {
  /** Runs one check, times it, appends its step, reports it; a thrown error becomes a failed step. */
  run(name: StepName, check: () => StepResult | Promise<StepResult>): Promise<StepResult>;
  /** Appends every step that did not run as 'skipped', in pipeline order. */
  skipRest(why: string): void;
}

/** `peer()`: what the probe is talking to right now (the name, then the address), for errors that do not say. */
export function createStepRecorder(
  report: ProbeReport,
  onStep?: (step: ProbeStep, report: ProbeReport) => void,
  peer: () => string = () => report.target.host,
): StepRecorder {
  const add = (name: StepName, result: StepResult, ms: number): void => {
    const step: ProbeStep = { name, status: result.status, outcome: result.outcome, detail: clip(result.detail), ms, peer: result.peer ?? peer() };
    if (result.errno) step.errno = result.errno;
    report.steps.push(step);
    if (result.status === 'fail' && result.eopCode && !report.eopCode) report.eopCode = result.eopCode;
    try {
      // a copy, so a caller that keeps it for a later card update does not see it change
      onStep?.(step, { ...report, steps: [...report.steps] });
    } catch {
      // the caller's card update failing must not change what the probe found
    }
  };
  return {
    async run(name, check) {
      const started = performance.now();
      let result: StepResult;
      try {
        result = await check();
      } catch (err) {
        result = { status: 'fail', outcome: 'PROBE_ERROR', detail: `internal error: ${describeError(err)}` };
      }
      add(name, result, Math.round(performance.now() - started));
      return result;
    },
    skipRest(why) {
      const done = new Set(report.steps.map((s) => s.name));
      for (const name of STEP_NAMES) {
        if (!done.has(name)) add(name, { status: 'skipped', outcome: 'NOT_RUN', detail: why }, 0);
      }
    },
  };
}
