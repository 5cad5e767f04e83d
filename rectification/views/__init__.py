"""Pages of rectification, one module per topic."""
