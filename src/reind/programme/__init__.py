"""The programme office, one package per aggregate (tables, domain objects, services; ADR 0092).

May import: ``reind.schemes``, ``reind.rules``, ``reind.core``. Never
``reind.factory``. An aggregate's ``store`` is imported only by its own package.
"""
