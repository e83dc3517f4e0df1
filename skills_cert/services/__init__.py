"""Domain operations. Services flush; the request or CLI command that calls them commits."""
