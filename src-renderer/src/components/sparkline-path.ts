/**
 * Geometry of the sparkline, kept pure: values become SVG points in a box `width` × `height`,
 * newest at the right edge. With `capacity` set, a short history starts part-way across
 * (like a task manager's graph filling up) instead of stretching over the whole width.
 */
export interface SparklineGeometry {
  /** `points` attribute for the line; empty when there is nothing to draw. */
  line: string;
  /** `points` attribute for the shaded area under the line. */
  area: string;
}

export function sparklineGeometry(values: readonly number[], width: number, height: number, max: number, capacity?: number): SparklineGeometry {
  if (values.length === 0 || max <= 0) return { line: '', area: '' };
  const slots = Math.max(values.length, capacity ?? values.length, 2);
  const step = width / (slots - 1);
  const firstX = width - step * (values.length - 1);
  const xy = values.map((value, i) => {
    const clamped = Math.min(max, Math.max(0, Number.isFinite(value) ? value : 0));
    return { x: firstX + step * i, y: height - (clamped / max) * height };
  });
  // A single sample still deserves a visible dash: draw it as a short flat segment.
  if (xy.length === 1) xy.unshift({ x: Math.max(0, firstX - step), y: xy[0]?.y ?? height });
  const line = xy.map((p) => `${round(p.x)},${round(p.y)}`).join(' ');
  const leftX = round(xy[0]?.x ?? 0);
  return { line, area: `${leftX},${height} ${line} ${round(width)},${height}` };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
