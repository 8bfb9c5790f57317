"""Plumbing that every app's API shares: errors, paging, permissions, throttles, caching, renderers and filters."""
