/** A toast after an add by path or dialog, so a drop that added nothing still gets an answer. */
import { notifications } from '@mantine/notifications';
import type { AddModelsResult } from '../../../../../src-main/contract';
import { modelDisplayName } from '../../../format/model';
import { addedSummary } from './added-summary';

export function notifyAdded(result: AddModelsResult | null): void {
  if (result === null) return;
  const summary = addedSummary(result, modelDisplayName);
  if (summary === null) return;
  notifications.show({ title: summary.title, message: summary.message, color: result.added.length > 0 ? 'green' : 'yellow' });
}
