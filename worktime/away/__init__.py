"""근무상황: leave, business trips and training, recorded by people or imported from personnel."""
