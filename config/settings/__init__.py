"""Settings modules: ``local`` for development and tests, ``production`` for deployments."""
