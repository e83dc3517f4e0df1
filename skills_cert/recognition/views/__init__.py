"""The MRS workbench (`mrs.*`)."""

from skills_cert.recognition.views import workbench  # noqa: F401
