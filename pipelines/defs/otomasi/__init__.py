"""The job, the release sensor and the release-window schedule."""
