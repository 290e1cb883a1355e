"""Mail leaves the request path: services render the message and enqueue this task after their commit."""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_email(to: str, subject: str, body: str) -> None:
    """Send one plain-text email. Only strings cross the queue, never model instances."""
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]).send()
