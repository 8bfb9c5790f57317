"""Launch Library 2: the launches after the files' last dates, merged with the files' launches.

- ``client``: paging through ``/launches/previous/``, waits between requests, 429 and Retry-After, a deadline.
- ``mapping``: one LL2 launch (API 2.3.0 or 2.2.0) as the project's names, time, outcome and pad.
- ``merging``: the rule that finds the file's launch an LL2 launch is, and the writes of one page.
- ``sync``: the resumable sync, its cursor and its import record.
"""
