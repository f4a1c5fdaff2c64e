"""The spaCy tagging stage: entities, measures, quotes, dates and relevance."""
