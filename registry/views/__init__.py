"""Pages of registry, one module per topic."""
