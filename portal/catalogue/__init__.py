"""The catalogue: the organisation, its units and zones, and the procedures it offers."""
