"""Settings modules: ``local`` for development, ``test`` for the test suite, ``production`` for deployments."""
