"""Managers' tools: renewal plan and forecast, alert overview, hindsight, one-on-one pack."""
