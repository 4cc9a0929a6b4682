"""Use cases: the only API the UI and the CLI call. No Qt here."""
