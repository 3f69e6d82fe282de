from ._client import AsyncClient

__all__ = ["AsyncClient"]
