"""The REST API over the launch records and the original service's root routes."""
