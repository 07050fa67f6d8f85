"""Page-model tests, a package so their names may repeat a module test's (test_scenarios: the method and the page)."""
