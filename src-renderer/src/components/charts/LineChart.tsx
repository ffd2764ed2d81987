/**
 * A line chart of one or more series over steps, drawn as plain SVG (no chart library).
 * The series' columns are appended in place as a run reports, so the caller passes a
 * `revision` that changes when they did; the geometry is recomputed only then, and is
 * bounded by the chart's width however many points there are (line-chart-geometry.ts).
 */
import { Group, Text } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useMemo } from 'react';
import { lineChartModel, type ChartSeries } from './line-chart-geometry';

interface LineChartProps {
  series: readonly ChartSeries[];
  /** Changes whenever the series' data changed (their arrays are reused). */
  revision: number;
  label: string;
  height?: number;
  yFloor?: number;
  formatY?: (value: number) => string;
  /** Show the series names under the chart (when there is more than one to tell apart). */
  legend?: boolean;
  testId?: string;
}

/** Until the first measurement (and in tests without layout). */
const FALLBACK_WIDTH = 640;
const LEFT = 64;
const BOTTOM = 20;
const TOP = 8;
const RIGHT = 8;

export function LineChart({ series, revision, label, height = 180, yFloor, formatY = defaultFormat, legend = false, testId }: LineChartProps) {
  // Drawn at the size it is shown, so labels keep their size and the point budget follows the pixels.
  const { ref, width: measured } = useElementSize();
  const width = measured > LEFT + RIGHT + 40 ? Math.round(measured) : FALLBACK_WIDTH;
  const plotWidth = width - LEFT - RIGHT;
  const plotHeight = height - TOP - BOTTOM;
  const model = useMemo(
    () => lineChartModel(series, { width: plotWidth, height: plotHeight, yFloor }),
    // `revision` stands for the contents of the reused columns.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [series, revision, plotWidth, plotHeight, yFloor],
  );
  const first = model.series[0];

  return (
    <div ref={ref}>
      <svg
        role="img"
        aria-label={label}
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        style={{ display: 'block' }}
        data-testid={testId}
        data-points={first?.total ?? 0}
        data-drawn={model.series.reduce((sum, s) => sum + s.drawn, 0)}
      >
        <g transform={`translate(${LEFT} ${TOP})`}>
          {model.yTicks.map((tick) => (
            <g key={tick.value}>
              <line x1={0} x2={plotWidth} y1={tick.at} y2={tick.at} stroke="var(--mantine-color-default-border)" strokeWidth={0.5} />
              <text x={-6} y={tick.at + 4} fontSize={10} textAnchor="end" fill="var(--mantine-color-dimmed)">
                {formatY(tick.value)}
              </text>
            </g>
          ))}
          <line x1={0} x2={plotWidth} y1={plotHeight} y2={plotHeight} stroke="var(--mantine-color-default-border)" />
          {model.xTicks.map((tick) => (
            <text key={tick.value} x={tick.at} y={plotHeight + 14} fontSize={10} textAnchor="middle" fill="var(--mantine-color-dimmed)">
              {tick.value}
            </text>
          ))}
          {model.series.map((s) =>
            s.line === '' ? null : (
              <g key={s.key} data-testid="chart-series" data-series={s.key} data-drawn={s.drawn}>
                <polyline
                  points={s.line}
                  fill="none"
                  stroke={cssColor(s.color)}
                  strokeWidth={s.faint ? 1 : 1.75}
                  strokeOpacity={s.faint ? 0.45 : 1}
                  strokeLinejoin="round"
                />
                {s.dots.map((dot, i) => (
                  <circle key={i} cx={dot.x} cy={dot.y} r={2.5} fill={cssColor(s.color)} />
                ))}
              </g>
            ),
          )}
          {model.xDomain === null && (
            <text x={plotWidth / 2} y={plotHeight / 2} fontSize={12} textAnchor="middle" fill="var(--mantine-color-dimmed)">
              No points yet
            </text>
          )}
        </g>
      </svg>
      {legend && (
        <Group gap="md" mt={4} justify="center">
          {series.map((s) => (
            <Group key={s.key} gap={6} wrap="nowrap">
              <span style={{ width: 12, height: 3, background: cssColor(s.color), display: 'inline-block', opacity: s.faint === true ? 0.45 : 1 }} />
              <Text size="xs">{s.label}</Text>
            </Group>
          ))}
        </Group>
      )}
    </div>
  );
}

/** Mantine color names become their theme variable; anything else is used as CSS. */
function cssColor(color: string): string {
  return /^[a-z]+$/.test(color) ? `var(--mantine-color-${color}-filled)` : color;
}

function defaultFormat(value: number): string {
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 0.01 || abs >= 100_000)) return value.toExponential(1);
  return String(Math.round(value * 1000) / 1000);
}
