"""Helpers shared by the test folders: recorded-traffic servers, OTLP receivers, trace builders,
the secret corpus and the OTLP/JSON validator. Import as ``from support.<module> import ...``."""
