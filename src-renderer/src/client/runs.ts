/** The runs domain's calls over whichever transport this window has. */
import { getLathe } from '../transport';
import type { RunsClient } from './runs-client';

export const runsClient: RunsClient = {
  plan: (request) => getLathe().runs.plan(request),
  measureSpeed: (request) => getLathe().runs.measureSpeed(request),
  start: (request) => getLathe().runs.start(request),
  list: () => getLathe().runs.list({}),
  get: (id) => getLathe().runs.get({ id }),
  pause: (id) => getLathe().runs.pause({ id }),
  resume: (id) => getLathe().runs.resume({ id }),
  stop: (id) => getLathe().runs.stop({ id }),
  remove: (id) => getLathe().runs.remove({ id }),
  reveal: (id) => getLathe().runs.reveal({ id }),
  addSampleDataset: () => getLathe().datasets.addSample({}),
  watch: (onEvent, onError) => getLathe().runs.events({}, onEvent, onError),
};
