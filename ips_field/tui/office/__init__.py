"""The office app (``ips-office``): supervisors over the master record."""
