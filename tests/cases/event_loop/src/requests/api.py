def get(url, **kwargs):
    return None


def post(url, **kwargs):
    return None
