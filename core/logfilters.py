"""Logging filters, importable before Django's apps are ready (settings.LOGGING names them)."""

ANONYMOUS_PATHS = ("/p/", "/api/v1/public/")  # the same as core.middleware.ANONYMOUS_PATHS


class PublicChannelLogFilter:
    """Keeps the public channel's paths (which may carry a receipt code) out of the logs."""

    def filter(self, record) -> bool:
        path = getattr(getattr(record, "request", None), "path", "") or ""
        if isinstance(path, str) and path.startswith(ANONYMOUS_PATHS):
            return False
        message = record.getMessage()  # "Not Found: /api/v1/public/…", '"GET /p/… HTTP/1.1" 200'
        return not any(f" {p}" in message or f":{p}" in message for p in ANONYMOUS_PATHS)
