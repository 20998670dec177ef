"""Accounts and their traces: auth (argon2id accounts, lockout, sessions), tokens
(the signed refresh cookie), audit_view (reading and exporting the audit log).
"""
