"""What changed between two builds, traced to the snapshot rows."""
