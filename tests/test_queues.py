"""Each kind of task goes to its own queue (issue 18): a snapshot rebuild never delays a payout."""

import pytest
from django.conf import settings

from aux.celery import app

app.loader.import_default_modules()  # every tasks.py, as a worker loads them


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("payments.pay_milestone", "payments"),
        ("payments.refund_contract", "payments"),
        ("payments.sweep", "payments"),
        ("payments.send_split_invitation", "email"),
        ("campaigns.brief_compute_matches", "matching"),
        ("campaigns.snapshot_refresh", "matching"),
        ("campaigns.snapshot_rebuild", "matching"),
        ("campaigns.snapshot_ensure", "matching"),
        ("notifications.send_email", "email"),
        ("brands.send_invitation", "email"),
        ("campaigns.contract_render_pdf", "default"),
        ("campaigns.sweep", "default"),
        ("privacy.export_build", "default"),
    ],
)
def test_each_task_is_routed_to_its_queue(task, queue):
    assert task in app.tasks
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_every_periodic_task_exists_and_goes_to_a_declared_queue():
    declared = {q.name for q in app.conf.task_queues}
    assert declared == {"payments", "matching", "email", "default"}
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
        assert app.amqp.router.route({}, entry["task"])["queue"].name in declared


def test_a_message_sent_to_one_queue_reaches_that_queue_only():
    """Each queue has a binding of its own: a bare Queue(name) would take the default exchange
    and routing key, and every worker group would get every task."""
    queues = [app.amqp.queues[q.name] for q in app.conf.task_queues]  # as the worker binds them
    assert [(q.exchange.name, q.routing_key) for q in queues] == [
        (name, name) for name in ("payments", "matching", "email", "default")
    ]
