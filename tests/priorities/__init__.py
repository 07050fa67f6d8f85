"""Page-model tests (a package, so their names may match the method tests' in tests/: test_morile.py)."""
