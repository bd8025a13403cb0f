"""Open data (issue 18): OCDS releases and records, OC4IDS projects, monthly bulk files."""
