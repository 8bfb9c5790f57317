"""What the tests of every app share besides fixtures: a generated sample launch file and the pandas reference."""
