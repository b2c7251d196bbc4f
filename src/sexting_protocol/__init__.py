"""sexting-protocol: handelen bij sexting, voor professionals."""

__version__ = "0.1.0"
