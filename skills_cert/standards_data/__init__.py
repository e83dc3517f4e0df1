"""The standard file format: schema, reading, validation, and conversion to and from rows."""
