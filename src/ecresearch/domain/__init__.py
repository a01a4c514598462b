"""What several stages share: units, editions, labels (one owner each)."""
