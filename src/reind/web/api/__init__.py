"""The REST API under ``/api/v1``: routers that translate HTTP into service calls.

May import ``programme`` services and views, ``rules``, ``schemes``, ``core`` and the rest
of ``web``; never a store or table module (the read side goes through ``views.py``).
"""
