/** The real inference worker (the built out/main/inference-worker.js) for evaluation and export tests. */
import { appPathsFromBundle } from '../../../src-main/app/paths';
import { assertLoadable } from '../../../src-main/inference/assert-loadable';
import { InferenceService } from '../../../src-main/inference/inference-service';

export const workerPath = appPathsFromBundle(new URL('../../../out/main/cli.js', import.meta.url).href).inferenceWorker;

export function evaluationInference(): InferenceService {
  return new InferenceService({ workerPath, settings: { threads: 2, gpu: false }, checkModel: assertLoadable });
}
