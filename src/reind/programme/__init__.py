"""The programme office: enterprises, applications, vetting, money.

May import: ``reind.schemes``, ``reind.rules``, ``reind.core``. Never
``reind.factory``.
"""
