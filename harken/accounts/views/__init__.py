"""Staff pages for signing in and managing accounts."""
