"""The start page per role: work due, the team's cases, the tools the role may use."""
