/** Whether this machine can train: the Python interpreter and torch build Lathe would use. */
import { Badge, Button, Card, Divider, Group } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { PythonState } from '../../../../../src-main/contract';
import { CardHeading } from '../../../components/CardHeading';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { FactsSkeleton } from '../../../components/FactsSkeleton';
import { selectPython, selectPythonError, selectPythonLoading, selectRefreshPython, useSystemStore } from '../../../store/system';
import { PythonProblem } from './PythonProblem';
import { PythonReadyFacts } from './PythonReadyFacts';
import { RuntimeEnvironmentSection } from './RuntimeEnvironmentSection';

const STATE_COLOR: Record<PythonState, string> = { ready: 'green', no_torch: 'yellow', no_python: 'red' };

const STATE_SUMMARY: Record<PythonState, string> = {
  ready: 'Python and torch are ready for training.',
  no_torch: 'Python was found, but torch is still missing.',
  no_python: 'Still no Python interpreter found.',
};

export function PythonCard() {
  const report = useSystemStore(selectPython);
  const loading = useSystemStore(selectPythonLoading);
  const error = useSystemStore(selectPythonError);
  const refreshPython = useSystemStore(selectRefreshPython);

  const checkAgain = async () => {
    const fresh = await refreshPython();
    // Failures already show in the card; a toast confirms that a re-check really happened.
    if (fresh !== null) notifications.show({ title: 'Python checked', message: STATE_SUMMARY[fresh.state], color: STATE_COLOR[fresh.state] });
  };

  return (
    <Card withBorder radius="md" padding="lg" data-testid="python-card">
      <CardHeading title="Python and torch">
        <Group gap="sm" wrap="nowrap">
          {report !== null && (
            // `tt="none"`: the badge shows the state word as is, in the DOM text and on screen alike.
            <Badge data-testid="python-state" color={STATE_COLOR[report.state]} variant="light" tt="none">
              {report.state}
            </Badge>
          )}
          <Button size="xs" variant="default" loading={loading} onClick={() => void checkAgain()} data-testid="python-check-again">
            Check again
          </Button>
        </Group>
      </CardHeading>
      {error !== null && <ErrorNotice title="Could not check Python" error={error} />}
      {report === null ? (
        error === null && <FactsSkeleton rows={5} />
      ) : report.state === 'ready' ? (
        <PythonReadyFacts report={report} />
      ) : (
        <PythonProblem report={report} state={report.state} />
      )}
      <Divider my="md" />
      <RuntimeEnvironmentSection />
    </Card>
  );
}
