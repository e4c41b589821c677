"""Public reviews: double-blind publication, the reviewed side's answer, reports to staff.

Writing a review stays with the bookings (campaigns.bookings.services.review_create); this package
decides what the public sees (selectors), the answer, reports and hiding (services), the
sections of the public artist and brand pages (views, registered through artists.hooks and
brands.hooks), the API and the staff queue (admin).
"""
