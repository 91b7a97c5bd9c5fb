"""Recurring invoices: the calendar rules of a schedule, and the pass that makes each due occurrence once."""
