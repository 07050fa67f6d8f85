"""SMP Dash: the Safer Maidstone Partnership's strategic assessment, made live."""

__version__ = "0.1.0"
