"""Return counselling and reintegration (BRIEF M19-M21): referrals to reintegration
programmes and their outcome; a capability that plugs into the case through the seam."""
