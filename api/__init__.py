"""The HTTP API: translates HTTP to calls into `timeline` and back, through marshmallow schemas."""
from .app import create_app

__all__ = ["create_app"]
