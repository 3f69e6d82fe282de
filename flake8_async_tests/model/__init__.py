"""Facts about test code: marks, fixtures, unittest classes, tests and their runners."""
