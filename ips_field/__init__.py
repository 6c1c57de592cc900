"""ips-field: encrypted offline case notes for Independent Parental Supporters."""

__version__ = "0.1.0"
