"""The administration in the browser (`/admin`): the audit trail, the calendar, satisfaction."""
