"""The PostgreSQL backend: a team's shared database."""
