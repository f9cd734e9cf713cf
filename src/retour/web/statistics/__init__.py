"""The statistics dashboards and the quarterly report."""
