"""Background jobs of the documents app (huey): OCR of scans, delivery of the exchange outbox."""
