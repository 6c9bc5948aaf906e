"""Benchmarks run by make targets. They print figures and assert nothing about timing, so
their modules are named bench_*.py and pytest never collects them."""
