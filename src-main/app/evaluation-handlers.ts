/** The `evaluation.*` and `exports.*` parts of the contract, answered by the evaluation and export services. */
import type { Contract, HandlersOf } from '../contract';
import type { EvaluationService } from '../evaluation/evaluation-service';
import type { ExportService } from '../exports/export-service';

type EvaluationContract = { [K in keyof Contract as K extends `evaluation.${string}` | `exports.${string}` ? K : never]: Contract[K] };

export function evaluationHandlers(deps: { evaluation: EvaluationService; exports: ExportService }): HandlersOf<EvaluationContract> {
  const { evaluation, exports } = deps;
  return {
    'evaluation.get': ({ runId }) => evaluation.get(runId),
    'evaluation.start': ({ runId, generations }) => evaluation.start(runId, generations),
    'evaluation.table': ({ runId, format }) => evaluation.table(runId, format),
    'evaluation.events': (_input, emit) => evaluation.subscribe(emit),
    // The UI always writes into the run's folder; only the command line names another.
    'exports.create': ({ runId, format }) => exports.create(runId, format),
    'exports.events': (_input, emit) => exports.subscribe(emit),
  };
}
