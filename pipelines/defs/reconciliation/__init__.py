"""Extracted records against the curated reference values, and the curators' report."""
