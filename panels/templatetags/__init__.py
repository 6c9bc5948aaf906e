"""Template tags through which pages outside the panels app show panel work."""
