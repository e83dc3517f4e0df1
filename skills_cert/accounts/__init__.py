"""Staff accounts: users and roles, log-in and lockout, passwords, two-factor authentication,
and the administrator's user pages."""
