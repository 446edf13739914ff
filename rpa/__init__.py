"""Case sheets and messages."""
