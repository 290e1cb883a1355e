"""The panel's API: meetings, agenda items, votes and decisions, over the same services and selectors."""
