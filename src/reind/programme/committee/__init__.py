"""Vetting committees: members, meetings, conflicts, scores, criteria, decisions, letters.

May import ``programme.applications``, ``money``, ``audit``, ``schemes``, ``rules``, ``core``.
No re-exports: ``applications`` imports ``committee.store``.
"""
