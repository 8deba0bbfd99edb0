"""Coordinators' accounts and the audit log of every change."""
