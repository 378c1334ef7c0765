"""The test suite: each module specifies one feature."""
