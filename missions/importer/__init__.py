"""The launch-file importer, one module per stage; ``missions.services.launches_import`` is its one entry point.

- ``sources``: where a file comes from (a path, or a URL downloaded into a cache) and its checksum.
- ``formats``: the three known layouts, the encodings, and the checks that open a file and detect both.
- ``reading``: Arrow's streaming reader, rows numbered by the file line each starts on.
- ``cleaning``: the validation and conversion of one chunk into the canonical columns.
- ``comparison``: the chunks against the stored launches, without a database: new, changed, repeated rows.
- ``lookups``: the ids of organisations, rockets and pads by name, and the rockets' newest statuses.
- ``writing``: the writer that turns compared chunks into inserts and updates, on any database.
- ``postgres``: PostgreSQL's paths: COPY in and out, the bulk load into an empty table, changes via a temp table.
- ``runs``: the ImportRun record of each import.
"""
