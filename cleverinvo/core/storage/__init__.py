"""The database: opening and migrating it, the models, the search index."""
