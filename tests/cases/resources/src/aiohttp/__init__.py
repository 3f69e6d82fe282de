from .client import ClientSession
from .connector import TCPConnector

__all__ = ["ClientSession", "TCPConnector"]
