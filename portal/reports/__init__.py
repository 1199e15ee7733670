"""Statistics and reports: the Decision 766 service report, investment in the zones, the public dashboard."""
