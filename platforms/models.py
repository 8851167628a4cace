"""The platforms consumers complain about: the lowest layer, below the contact directory
(channels), complaints, escalation and reading, which all refer to a platform."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .orders import OrderNumberKind


class Platform(models.Model):
    """A platform consumers complain about. Staff add more in the admin."""

    slug = models.SlugField(_("slug"), unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    order_number_kind = models.CharField(
        _("order number format"), max_length=20, choices=OrderNumberKind.choices, default=OrderNumberKind.GENERIC
    )
    website = models.URLField(_("website"), blank=True)
    active = models.BooleanField(_("accepting complaints"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)

    class Meta:
        # The table the model had when it lived in complaints: moving the model between
        # apps changed no row and no SQL that reads it (bench/ queries it by this name).
        db_table = "complaints_platform"
        ordering = ["sort_order", "slug"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_zh if translation.get_language() in ("zh-hans", "zh") else self.name_en
