def test_sync():
    """No async tests here: the configuration finding is not repeated."""
