"""The Twilio channel: webhooks, signatures, reply grammar, message text, senders."""
