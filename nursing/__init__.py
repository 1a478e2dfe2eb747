"""The nurse-side domain, owned by neither process: escalations and their workflow, the identity vault, nurse
replies, on-call alerts, outbound SMS, the FHIR export, and the tables and migrations behind them.

The action server creates escalations and reads their status; the gateway's console reads, claims and replies.
Nothing here imports Flask or the gateway, the action server or the knowledge packages.
"""
