"""The append-only, hash-chained audit log: every change to the registry, and who made it."""
