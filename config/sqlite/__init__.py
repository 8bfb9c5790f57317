"""SQLite for the embedded default, whose folder is made when the first connection opens."""
