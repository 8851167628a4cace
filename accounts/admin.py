from django.contrib import admin

from core.admin_search import SearchByPostMixin

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(SearchByPostMixin, admin.ModelAdmin):
    list_display = ("user", "display_name", "language")
    search_fields = ("user__email", "display_name")
    raw_id_fields = ("user",)
