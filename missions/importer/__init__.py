"""The launch-file importer, one module per stage; ``missions.services.launches_import`` is its one entry point.

- ``sources``: where a file comes from (a path, or a URL downloaded into a cache) and its checksum.
- ``formats``: the three known layouts, the encodings, and the checks that open a file and detect both.
- ``reading``: Arrow's streaming reader, rows numbered by the file line each starts on.
- ``cleaning``: the validation and conversion of one chunk into the canonical columns.
"""
