/** One export's state and the action that starts it, for the panel's button and result. */
import { useMemo } from 'react';
import type { ExportFormat } from '../../../../../src-main/contract';
import { selectExportOf, selectExportRun, usePlaygroundStore } from '../../../store/playground';

export function useExportState(runId: string, format: ExportFormat) {
  const select = useMemo(() => selectExportOf(runId, format), [runId, format]);
  return { state: usePlaygroundStore(select), exportRun: usePlaygroundStore(selectExportRun) };
}
