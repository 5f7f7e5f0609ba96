"""Bulk imports of historical applications, claims and enquiries (CSV or XLSX), and their table.

May import every programme aggregate, ``schemes``, ``rules``, ``core``; nothing imports it but
entry points and demo data.
"""

from reind.programme.imports.bulk import import_file

__all__ = ["import_file"]
