"""Pages of onsite, one module per topic."""
