"""PostgreSQL whose connection health check cannot hang on a frozen server."""
