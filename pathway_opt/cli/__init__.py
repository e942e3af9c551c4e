"""The `pathway-opt` command, thin over the library."""
