"""The API's five busiest requests in one PostgreSQL statement each, before FastAPI (ADR 0091).

Lives here: the ASGI layer (``middleware``) and its statements (``sql``).
May import ``programme``'s services, views and rules (never a store or table
module) and ``web.api``'s models; the rest of ``web`` imports only this surface.
"""

from reind.web.hot_path.middleware import (
    HotPath,
    HotPathCounts,
    WriteUncertainError,
    asyncpg_dsn,
)

__all__ = ["HotPath", "HotPathCounts", "WriteUncertainError", "asyncpg_dsn"]
