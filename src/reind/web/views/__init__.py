"""Server-rendered pages (Jinja2): they call services, never change state directly.

May import ``programme`` services and views, ``factory``'s public surface, ``rules``,
``schemes``, ``core`` and the rest of ``web``; never a store or table module.
"""
