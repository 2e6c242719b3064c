"""Alerts to the clinic about urgent answers, by email and signed webhook (docs/alerts.md).

    message     the one body both channels send, built from an Alert only: never patient data
    channels    email (smtplib) and webhook (urllib, HMAC-SHA256 signed); configured() and problems()
    deliverer   sweep unsent drafts, claim due deliveries, send, record; a loop, and a background thread
    cli         `flask --app screening alerts deliver [--once]` and `alerts test`

The outbox itself (the tables, claiming, retries) is screening.records.outbox.
"""
