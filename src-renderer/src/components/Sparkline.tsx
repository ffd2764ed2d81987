/** A small line chart of recent values (no chart library: one SVG, two polygons). */
import { useMemo } from 'react';
import { sparklineGeometry } from './sparkline-path';

interface SparklineProps {
  values: readonly number[];
  /** The value at the top edge (100 for percentages). */
  max: number;
  /** How many samples fill the full width; the line grows in from the right until then. */
  capacity?: number;
  height?: number;
  /** A Mantine color name, e.g. "blue". */
  color?: string;
  label: string;
}

// The SVG is drawn in a fixed box and stretched to the card's width; the stroke keeps its
// width thanks to vector-effect.
const BOX_WIDTH = 300;

export function Sparkline({ values, max, capacity, height = 48, color = 'blue', label }: SparklineProps) {
  const { line, area } = useMemo(() => sparklineGeometry(values, BOX_WIDTH, height, max, capacity), [values, height, max, capacity]);
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${BOX_WIDTH} ${height}`}
      preserveAspectRatio="none"
      width="100%"
      height={height}
      style={{ display: 'block', overflow: 'visible' }}
    >
      <line x1={0} y1={height} x2={BOX_WIDTH} y2={height} stroke="var(--mantine-color-default-border)" strokeWidth={1} vectorEffect="non-scaling-stroke" />
      {line !== '' && (
        <>
          <polygon points={area} fill={`var(--mantine-color-${color}-light)`} />
          <polyline points={line} fill="none" stroke={`var(--mantine-color-${color}-filled)`} strokeWidth={1.5} strokeLinejoin="round" vectorEffect="non-scaling-stroke" />
        </>
      )}
    </svg>
  );
}
