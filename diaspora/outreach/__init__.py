"""Typical products, distribution channels and engagement activities."""
