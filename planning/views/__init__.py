"""Pages of planning, one module per topic."""
