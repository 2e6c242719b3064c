"""What is stored: the tables, drafts, the Send service, retention, typed codes, replay and attempt limits."""
