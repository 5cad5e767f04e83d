"""Forms of onsite, one module per topic."""
