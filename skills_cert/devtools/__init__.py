"""Tools for developers, never imported by the running app: `make bench` and the demo seeder
(`flask demo`, registered through the `flask.commands` entry point)."""
