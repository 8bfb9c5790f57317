"""Names spelled right: the repairs table of misspelt names in the launch files, and the organisation aliases."""
