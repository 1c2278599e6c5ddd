"""Self-test: mutation testing of the mathematics and fuzzing of the commands
(`python -m verify.selftest`)."""
