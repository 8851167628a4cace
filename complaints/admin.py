from django.contrib import admin

from .models import Platform

# The complaint queue (list, complaint page, action buttons) lives in staff.admin.


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_zh", "name_en", "order_number_kind", "active", "sort_order")
    list_editable = ("active", "sort_order")
    prepopulated_fields = {"slug": ("name_en",)}
