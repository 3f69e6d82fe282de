from .client import Redis, from_url

__all__ = ["Redis", "from_url"]
