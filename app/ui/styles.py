"""Where the stylesheets are: the app and every screen take their .tcss files from here."""

from __future__ import annotations

from pathlib import Path


def styles_dir() -> Path:
    """Stylesheets ship as the package app.styles; in a source checkout they sit in styles/."""
    try:
        import app.styles as shipped

        return Path(shipped.__file__).parent
    except ImportError:
        return Path(__file__).resolve().parents[2] / "styles"
