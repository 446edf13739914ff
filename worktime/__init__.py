"""Flexible work."""
