"""Page-model tests, a package so their names may repeat a method test's in tests/ (test_morile, test_scenarios)."""
