"""What a span inherits from where it starts: session values and properties, their optional W3C
baggage, the stamps computed at span start, and the context carried into worker threads."""
