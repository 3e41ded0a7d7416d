"""Photo-assisted LED check: the device catalog, the reading of panel photos, the command."""
