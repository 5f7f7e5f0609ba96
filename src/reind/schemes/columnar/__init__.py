"""The schemes' formulas over columns: numpy fast paths for bulk runs and what-ifs.

Each module here is named by a scheme's ``vectorised`` and shares that
scheme's rule (its reason templates, choices and parameters); imported only
when cases are decided as columns. May import ``reind.rules``, ``reind.core``
and the scheme modules of ``reind.schemes``.
"""
