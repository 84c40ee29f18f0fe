"""Machine translation: the engine protocol and its backends, term locking, long-segment splitting, the test model."""
