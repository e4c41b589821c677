"""In-app and e-mail notifications: built by the notifications issue."""
