"""Small bundled sample of statements for the demo and tests."""
