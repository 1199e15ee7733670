"""Infrastructure shared by the domains: unit of work, mail, (later) storage, jobs, PDF."""
