"""Two-factor, the event outbox, webhooks and notifications: one mixin for the facade."""

from __future__ import annotations

from .delivery import DeliveryMixin
from .notifications import NotificationsMixin
from .outbox import OutboxMixin
from .twofactor import TwoFactorMixin
from .webhooks import WebhooksMixin


class NotifyMixin(TwoFactorMixin, OutboxMixin, WebhooksMixin, DeliveryMixin, NotificationsMixin):
    """Every hook here calls ``super()`` first, so other features' overrides still run."""
