"""The original Flask service's routes (``/data``, ``/jobs``, ``/help``), kept so that its clients work unchanged."""
