"""Training: ``python -m lathe_runtime train --config run.json [--resume] [--stop-when-stdin-closes]``.

Read ``recipe.py`` top to bottom for what a run does; ``config.py`` for run.json;
``events.py`` for the JSON lines on stdout; ``control.py`` for the commands on stdin;
``data.py`` / ``batching.py`` for the prepared data; ``checkpoint.py`` for checkpoints;
``samples.py`` for the ``sample`` events; ``distributed.py`` for runs of several processes.
Tests: ``tests/python-runtime/test_train_*.py``.

Nothing is imported here, so that ``events`` and ``config`` load without torch.
"""
