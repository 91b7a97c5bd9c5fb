"""The HTTP API v1 over the core, as a Starlette app served by uvicorn."""
