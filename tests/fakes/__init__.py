"""Fakes shared by the tests and the benchmarks: platform APIs, PostgreSQL, servers, knowledge."""
