"""Celery tasks of the smart-work centers: thin wrappers the beat schedule calls."""

from celery import shared_task

from . import services


@shared_task(name="smartcenters.tasks.release_unchecked_bookings")
def release_unchecked_bookings() -> int:
    return services.release_unchecked_bookings()


@shared_task(name="smartcenters.tasks.complete_finished_bookings")
def complete_finished_bookings() -> int:
    return services.complete_finished_bookings()
