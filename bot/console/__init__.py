"""The embassy's web console (issue 17): pages for staff and officers over the same services the
chat handlers call. It may import the services, never storage's models nor a runtime (an
import-linter contract in pyproject.toml keeps it so)."""
