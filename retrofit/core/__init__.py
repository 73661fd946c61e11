"""The core every part builds on: reference tables, energy conversion, exceptions, caveats, the
condition language, issue collection and frame helpers. Imports nothing above it."""
