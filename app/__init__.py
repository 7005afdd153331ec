"""Parley: a terminal client for professional messaging with InMail."""

__version__ = "0.1.0"
