/** The tensor type histogram as rows, most common type first, with each type's share of the tensors. */
export interface TensorTypeRow {
  type: string;
  count: number;
  /** "62%" */
  share: string;
}

export function tensorTypeRows(histogram: Record<string, number>): TensorTypeRow[] {
  const entries = Object.entries(histogram).filter(([, count]) => count > 0);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  return entries
    .sort(([typeA, a], [typeB, b]) => b - a || typeA.localeCompare(typeB))
    .map(([type, count]) => ({ type, count, share: `${Math.round((count / total) * 100)}%` }));
}
