"""Bottom layer shared by every stage: errors, progress callbacks, configuration and workspace paths,
the artefact store (fingerprints, atomic writes, the derived-file cache), selection, CSV safety.

Imports nothing from core.
"""
