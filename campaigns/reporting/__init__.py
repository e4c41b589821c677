"""Reporting: campaign, brand and marketplace reports and result reporting on deliverables (reads
bookings and the payments ledger)."""
