"""Local store: SQLAlchemy schema, engine, Alembic migrations, repositories. No Qt."""
