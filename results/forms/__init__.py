"""Forms of results, one module per topic."""
