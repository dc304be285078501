"""A local fake web: several sites on distinct loopback addresses, for the demo and the tests."""
