"""Mutual recognition of skills (MRS): agreements and their files, unit mappings, recognition
derived from them, similarity suggestions, the workbench and the mapping (benchmarking) report."""
