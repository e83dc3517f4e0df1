"""`make bench`: skills_cert measured against the floor of the libraries it stands on.

Absolute times on shared machines are noise, so every figure is reported as a ratio against a
floor measured in the same run. Run `python -m skills_cert.devtools.bench [--quick] [--output PATH]`.
"""
