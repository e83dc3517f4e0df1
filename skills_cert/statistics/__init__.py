"""Statistics for policy makers: the snapshot, disclosure control, the figures, the report, its
charts and exports, and the dashboard."""
