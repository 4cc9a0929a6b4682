"""CLI sub-commands, one module per area; each exposes ``register(subparsers)``.

Handlers import services lazily so that ``account-desk gui`` starts fast.
"""
