from django.core.management.base import BaseCommand

from aux.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Seed the demo data (taxonomy, artists, brands, briefs, one login per role). Idempotent."

    def handle(self, *args, **options) -> None:
        counts = seed_demo()
        for name, n in counts.items():
            self.stdout.write(f"  {name}: {n}")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in with:"))
        for role, email in DEMO_LOGINS.items():
            self.stdout.write(f"  {role:<7} {email} / {DEMO_PASSWORD}")
