"""Jixiao (绩效): public-sector performance management."""

__version__ = "0.1.0"
