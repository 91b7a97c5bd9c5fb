"""Delivery: e-mailing invoices (mail server configuration, the messages in the invoice's language, sending),
the public view page and its tokens, and the reminders that go out once each."""
