"""Load harness: our pages against a bare Flask + Flask-SQLAlchemy page, same run, same server.

Run ``python bench/run.py --help`` (or ``make bench``); see ``docs/BENCHMARKS.md``.
"""
