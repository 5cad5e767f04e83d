"""Pages of results, one module per topic."""
