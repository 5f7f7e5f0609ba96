"""The REST API under ``/api/v1``: routers that translate HTTP into service calls."""
