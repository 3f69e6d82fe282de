"""The plugin's codes, and which are opt-in, without importing the rules (nor astroid).

Why a list apart from the catalogue: flake8 imports every installed plugin and hands it its
options on every run; deciding there that none of our codes can be shown must cost nothing.
tests/test_docs.py checks this list against the rule classes.
"""

#: code -> opt-in (off unless enabled)
CODES: dict[str, bool] = {
    "ASYNC500": False, "ASYNC501": False, "ASYNC502": False, "ASYNC503": False,
    "ASYNC504": False, "ASYNC505": False, "ASYNC506": False,
    "ASYNC520": False, "ASYNC521": False, "ASYNC522": False, "ASYNC523": False,
    "ASYNC524": False,
    "ASYNC600": False, "ASYNC601": False, "ASYNC602": False, "ASYNC603": False,
    "ASYNC604": False, "ASYNC605": False, "ASYNC606": False,
    "ASYNC650": False, "ASYNC651": False, "ASYNC652": False, "ASYNC653": False,
    "ASYNC654": False,
    "ASYNC700": False, "ASYNC701": False, "ASYNC702": False, "ASYNC703": True,
    "ASYNC704": True,
    "ASYNC800": False, "ASYNC801": False, "ASYNC802": False, "ASYNC803": True, "ASYNC804": True,
    "ASYNC805": True,
    "ASYNC850": False, "ASYNC851": False,
}
