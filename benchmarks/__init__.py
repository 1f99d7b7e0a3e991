"""mtqa's benchmarks against human judgements. ``make bench`` (or ``python -m benchmarks.run``) runs
every benchmark module of this package and writes ``reports/benchmarks.md``; see ``harness.py`` for
what makes a module a benchmark."""
