"""The report layout and one renderer per format, registered in one table (formats.FORMATS) that the CLI's -f choices come from."""
