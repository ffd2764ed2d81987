/**
 * How long the examples are, in tokens: one bar per length range, with the maximum length
 * drawn across so it shows how many examples it would cut. Plain SVG (no chart library).
 */
import { useMemo } from 'react';
import type { TokenLengthStats } from '../../../../src-main/contract';
import { axisTicks, histogramBars, scaleLength } from './chart-geometry';

interface TokenLengthHistogramProps {
  stats: TokenLengthStats;
  /** Drawn as a dashed line when it falls inside the range. */
  maxLength: number | null;
  height?: number;
}

const WIDTH = 640;
const AXIS = 22;
const TOP = 14;

export function TokenLengthHistogram({ stats, maxLength, height = 180 }: TokenLengthHistogramProps) {
  const plotHeight = height - AXIS - TOP;
  const bars = useMemo(() => histogramBars(stats.histogram, WIDTH, plotHeight), [stats.histogram, plotHeight]);
  const first = stats.histogram[0]?.from ?? stats.min;
  const last = stats.histogram.at(-1)?.to ?? stats.max;
  const ticks = useMemo(() => axisTicks(first, last, 6), [first, last]);
  const at = (value: number) => scaleLength(value, first, last, WIDTH);
  const cut = maxLength !== null && maxLength > first && maxLength < last ? at(maxLength) : null;

  return (
    <svg
      role="img"
      aria-label={`Histogram of ${stats.count} example lengths, from ${stats.min} to ${stats.max} tokens`}
      viewBox={`0 0 ${WIDTH} ${height}`}
      width="100%"
      style={{ display: 'block', maxWidth: WIDTH }}
      data-testid="token-length-chart"
    >
      <g transform={`translate(0 ${TOP})`}>
        {bars.map((bar) => (
          <rect key={bar.from} x={bar.x} y={bar.y} width={bar.width} height={bar.height} fill="var(--mantine-color-blue-filled)" opacity={0.8} data-testid="token-length-bar">
            <title>{`${bar.from}–${bar.to - 1} tokens: ${bar.count} example${bar.count === 1 ? '' : 's'}`}</title>
          </rect>
        ))}
        <line x1={0} x2={WIDTH} y1={plotHeight} y2={plotHeight} stroke="var(--mantine-color-default-border)" />
        {cut !== null && (
          <g>
            <line x1={cut} x2={cut} y1={-TOP + 2} y2={plotHeight} stroke="var(--mantine-color-red-filled)" strokeDasharray="4 3" />
            <text x={cut + 4} y={-2} fontSize={11} fill="var(--mantine-color-red-filled)">
              max {maxLength}
            </text>
          </g>
        )}
        {ticks.map((tick) => (
          <text key={tick} x={Math.min(WIDTH - 2, Math.max(2, at(tick)))} y={plotHeight + 15} fontSize={11} textAnchor="middle" fill="var(--mantine-color-dimmed)">
            {tick}
          </text>
        ))}
      </g>
    </svg>
  );
}
