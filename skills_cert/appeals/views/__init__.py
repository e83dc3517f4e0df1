"""The appeal pages (`appeals.*`): the office's list, one appeal with its forms, lodging; and the
template globals through which the assessment, candidate and approval pages show appeals."""

from skills_cert.appeals.views import actions, pages  # noqa: F401
