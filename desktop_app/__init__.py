"""Account Desk: an offline book-of-business review tool for B2B account managers."""

__version__ = "0.1.0"
APP_ID = "io.accountdesk.AccountDesk"
APP_NAME = "Account Desk"
ORG = "Account Desk"
