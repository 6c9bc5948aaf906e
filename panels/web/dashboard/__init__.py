"""The panel chair's dashboard."""
