"""Textual stylesheets shipped with Parley."""
