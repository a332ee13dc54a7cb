"""The Alembic migrations, the only way the schema is made or changed; installed as ``recipes.migrations``."""
