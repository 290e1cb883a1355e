"""What parents, carers, young people and their supporters (and school staff for their pupils) see: the tracker,
messages, documents, decisions, preferences and the draft plan to comment on."""
