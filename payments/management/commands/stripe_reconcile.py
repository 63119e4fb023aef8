import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from payments.services import reconciliation_run


def _day(value):
    return datetime.date.fromisoformat(value)


class Command(BaseCommand):
    help = ("Match Stripe's transfers and balance transactions of a period one to one with our "
            "disbursements; store the run and list the differences. Exits non-zero when "
            "there are differences.")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", type=_day, required=True,
                            help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", type=_day, required=True,
                            help="last day, YYYY-MM-DD")

    def handle(self, *args, date_from, date_to, **options):
        try:
            run = reconciliation_run(actor=None, date_from=date_from, date_to=date_to)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"stripe_reconcile {date_from}..{date_to}: "
                          f"{run.stripe_transfers} Stripe transfers, {run.matched} matched, "
                          f"{len(run.differences)} difference(s) (run {run.pk})")
        for row in run.differences:
            self.stdout.write(f"  {row['kind']}: transfer={row['transfer_id'] or '-'} "
                              f"disbursement={row['disbursement_id'] or '-'} "
                              f"ours={row['ours']} stripe={row['stripe']} {row['note']}")
        if run.differences:
            raise CommandError(f"{len(run.differences)} difference(s) with Stripe")
