"""Pieces of the mail world generator (`..generate.generate_mail` is the entry point)."""
