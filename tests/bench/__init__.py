"""Benchmarks run by make targets. They print figures and assert nothing about timing, so
their entry modules are named bench_*.py and pytest never collects them. test_endpoints.py
is the exception, and times nothing: it checks that what the benchmarks open still exists."""
