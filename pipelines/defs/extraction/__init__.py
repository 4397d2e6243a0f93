"""Per-document tables and mentions, gathered into the corpus frames the datasets publish."""
