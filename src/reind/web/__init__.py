"""The FastAPI application: API routers, server-rendered pages, auth.

Entry point: may import anything in reind; nothing imports it.
"""
