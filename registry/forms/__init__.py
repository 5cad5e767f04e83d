"""Forms of registry, one module per topic."""
