"""``parley bench``: a synthetic store of any size, and the figures measured on it."""
