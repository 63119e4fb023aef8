"""Running Fianza for real: request ids and structured logs, request limits, health,
error reporting, configuration checks, backup and restore."""
