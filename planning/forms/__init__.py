"""Forms of planning, one module per topic."""
