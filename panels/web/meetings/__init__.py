"""Pages of panel meetings: the agenda, decisions, actions and papers."""
