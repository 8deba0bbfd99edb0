"""The coordinators' admin pages."""
