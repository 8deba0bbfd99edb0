"""People, rosters, rotations, overrides, agencies: who is on call, and when."""
