"""Every permission-scoped read of panel data, by what it reads: cases (the inbox, a case
and its items), meetings (agendas, papers, actions), support (assessment, consent, plan,
reviews, transfer) and the dashboard."""
