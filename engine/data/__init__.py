"""The month's records: CSV and xlsx read as rows of text, then checked into records fit to score."""
