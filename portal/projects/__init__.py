"""Investment projects of the investors' enterprises."""
