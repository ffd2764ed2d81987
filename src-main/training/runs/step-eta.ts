/**
 * Time left for a run, from the pace of its recent steps (the runtime's own timestamps). Only
 * steps since the last start, pause or resume count, so waiting never reads as slowness.
 */
export class StepEta {
  private points: { step: number; time: number }[] = [];

  constructor(private readonly window = 20) {}

  addStep(step: number, time: number): void {
    this.points.push({ step, time });
    if (this.points.length > this.window) this.points.shift();
  }

  reset(): void {
    this.points = [];
  }

  /** Seconds left to `totalSteps`; null until two steps have been seen. */
  secondsLeft(totalSteps: number | null): number | null {
    const first = this.points[0];
    const last = this.points.at(-1);
    if (!first || !last || totalSteps === null || last.step <= first.step) return null;
    const perStep = (last.time - first.time) / (last.step - first.step);
    return Math.max(0, Math.round((totalSteps - last.step) * perStep));
  }
}
