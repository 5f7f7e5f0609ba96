"""The progress report, open data and outcome measurement.

May import: ``reind.programme``, ``reind.factory``, ``reind.schemes``,
``reind.rules``, ``reind.core``.
"""
