"""Server-rendered pages (Jinja2): they call services, never change state directly."""
