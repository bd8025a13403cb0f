"""Inspections (双随机一公开, R-INS-01..09, R-CAS-05): work lists and plans,
the project and inspector pools, a double-random draw anyone can re-run,
inspections and joint inspections, contract checks, findings with their
rectification ledger, and disclosure."""
