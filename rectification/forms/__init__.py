"""Forms of rectification, one module per topic."""
