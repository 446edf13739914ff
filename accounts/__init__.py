"""People, the organisation tree, roles, sign-in with OTP, and notifications."""
