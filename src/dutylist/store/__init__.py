"""The database: its schema, written by ``store.build`` and read back by ``store.schema``.

- ``store.schema``: the schema version and tables (SQL), the read-only
  ``connect`` and every reader of stored facts (``metadata``,
  ``departments``, ``read_catalog``). Standard library only: the
  query path reads through it.
- ``store.build``: the writer (sqlite-utils), atomic temp file + ``os.replace``.
- ``store.restore``: put the backup a build kept back in place.

Nothing is imported here, so ``import dutylist.store.schema`` stays light.
"""
