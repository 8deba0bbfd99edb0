"""The life of a request: intake, paging and escalation, acceptance, relay, closing."""
