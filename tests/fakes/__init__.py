"""Fake HTTP servers for tests that must not touch the internet."""
