"""The shared core: settings, YAML catalog schemas, ORM entities, database session and store."""
