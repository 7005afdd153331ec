"""The Peewee store: models, database setup, migrations, the search index and the change feed.

What differs between SQLite and PostgreSQL is a backend's (``backend.py``), in
``sqlite/`` and ``postgres/``.
"""
