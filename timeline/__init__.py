"""Sino-Russian relations timeline: a static site generator for sourced, dated events."""

__version__ = "0.1.0"
