"""Bottom layer shared by every stage: errors, progress callbacks, configuration and workspace paths.

Imports nothing from core.
"""
