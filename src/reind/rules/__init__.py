"""The rules-as-code engine: dated parameters, decisions and their traces.

May import: ``reind.core``. Scheme content lives in ``reind.schemes``.
"""
