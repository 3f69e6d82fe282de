HANDLERS = {}
SEEN = set()
