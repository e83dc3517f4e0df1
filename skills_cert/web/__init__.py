"""Shared view machinery: the URL namespaces, access decorators, the form helpers, the one way a
view runs a service and shows its refusal, navigation, error pages and the home page."""
