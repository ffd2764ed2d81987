/** The spread of example lengths at a glance: whiskers at the shortest and longest, the middle half as a box, the median, p90 and p99 marked. */
import type { TokenLengthStats } from '../../../../src-main/contract';
import { boxPlot } from './chart-geometry';

const WIDTH = 640;
const HEIGHT = 56;
const MID = 22;

export function TokenLengthBoxPlot({ stats }: { stats: TokenLengthStats }) {
  const box = boxPlot(stats, WIDTH - 8);
  const x = (value: number) => value + 4;
  const marks = [
    { at: box.p90, label: `p90 ${stats.p90}` },
    { at: box.p99, label: `p99 ${stats.p99}` },
  ];
  return (
    <svg
      role="img"
      aria-label={`Example lengths: shortest ${stats.min}, median ${stats.p50}, 90th percentile ${stats.p90}, 99th ${stats.p99}, longest ${stats.max} tokens`}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width="100%"
      style={{ display: 'block', maxWidth: WIDTH }}
      data-testid="token-length-boxplot"
    >
      <line x1={x(box.min)} x2={x(box.max)} y1={MID} y2={MID} stroke="var(--mantine-color-dimmed)" />
      <line x1={x(box.min)} x2={x(box.min)} y1={MID - 7} y2={MID + 7} stroke="var(--mantine-color-dimmed)" />
      <line x1={x(box.max)} x2={x(box.max)} y1={MID - 7} y2={MID + 7} stroke="var(--mantine-color-dimmed)" />
      <rect x={x(box.q1)} y={MID - 10} width={Math.max(1, box.q3 - box.q1)} height={20} fill="var(--mantine-color-blue-light)" stroke="var(--mantine-color-blue-filled)" />
      <line x1={x(box.p50)} x2={x(box.p50)} y1={MID - 10} y2={MID + 10} stroke="var(--mantine-color-blue-filled)" strokeWidth={2} />
      {marks.map((mark) => (
        <g key={mark.label}>
          <line x1={x(mark.at)} x2={x(mark.at)} y1={MID - 5} y2={MID + 5} stroke="var(--mantine-color-orange-filled)" strokeWidth={2} />
        </g>
      ))}
      <text x={x(box.min)} y={HEIGHT - 4} fontSize={11} fill="var(--mantine-color-dimmed)" textAnchor="start">
        {stats.min}
      </text>
      <text x={x(box.p50)} y={HEIGHT - 4} fontSize={11} fill="var(--mantine-color-blue-filled)" textAnchor="middle">
        median {stats.p50}
      </text>
      <text x={x(box.max)} y={HEIGHT - 4} fontSize={11} fill="var(--mantine-color-dimmed)" textAnchor="end">
        {stats.max}
      </text>
    </svg>
  );
}
