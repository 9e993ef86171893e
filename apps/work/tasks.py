"""Background jobs of the work app (huey), each idempotent (safe to run twice): reminders before a task's
deadline and the notice to the assigner once it is late, report cycles opened ahead and report reminders,
commitments evaluated at the end of their period."""
