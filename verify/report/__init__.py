"""Reporting at the edge: the audit, text/HTML rendering, figures and generated notes."""
