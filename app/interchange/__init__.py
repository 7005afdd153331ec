"""Data in and out of a store: the LinkedIn export import, and the export in its layout."""
