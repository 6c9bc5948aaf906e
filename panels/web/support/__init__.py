"""Pages of assessment, consent, the support plan, post-exit reviews and transfer."""
