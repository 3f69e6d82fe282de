class TCPConnector:
    async def close(self):
        pass
