"""pressroom workers: polling, fetching, extraction, stream writing, RQ tasks and the daemon.

Importing this package is cheap on purpose: RQ imports task modules by dotted path in
every worker, and the CLI should start fast.
"""

__version__ = "0.1.0"
