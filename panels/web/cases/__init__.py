"""Pages of the Channel inbox, the panel case and information requests."""
