"""Who may call: API keys, request limits, idempotent retries."""
