"""Smart-work centers."""
