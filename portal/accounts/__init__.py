"""Accounts: users and their roles, enterprises and their members."""
