"""Scheme content: one module per funding scheme plus its dated parameters.

May import: ``reind.rules``, ``reind.core``. Adding a scheme touches only
this package: a module with its formula and ``parameters/<scheme>/*.yaml``.
"""
