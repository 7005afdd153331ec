"""The Peewee store: models, database setup, migrations and the search index."""
