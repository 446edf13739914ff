"""What every app stands on: the domain error, the clock and the office's working-day calendar.

Imports no app of the portal (the `layers` contract in pyproject.toml keeps it so).
"""
