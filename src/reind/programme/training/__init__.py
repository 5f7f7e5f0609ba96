"""RTTP training: courses, sessions, trainees, enrolments, attendance; tables and services.

May import ``programme.audit``, ``programme.actors``, ``core``.
"""

from reind.programme.training.services import add_course, enrol, mark_attendance

__all__ = ["add_course", "enrol", "mark_attendance"]
