"""The ``accord`` command line: thin wiring over the public API."""
