class Session:
    def get(self, url, **kwargs):
        return None

    def post(self, url, **kwargs):
        return None
