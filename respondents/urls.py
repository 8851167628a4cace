from django.urls import path

from . import manager_views, settings_views, views

app_name = "respondents"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("join/<str:key>/", views.accept, name="accept"),
    path("c/<str:reference>/", views.complaint, name="complaint"),
    path("c/<str:reference>/answer/", views.answer_complaint, name="answer"),
    path("c/<str:reference>/acknowledge/", views.acknowledge_complaint, name="acknowledge"),
    path("c/<str:reference>/evidence/<uuid:public_id>/", views.evidence, name="evidence"),
    path("apply/", views.apply_as_shop, name="apply"),
    path("team/", manager_views.team, name="team"),
    path("team/<int:pk>/", manager_views.change_member, name="change_member"),
    path("share/<str:reference>/<slug:slug>/", views.share_with_shop, name="share_with_shop"),
    # Managers: the organisation's own systems (API tokens, webhooks).
    path("settings/tokens/", settings_views.tokens, name="tokens"),
    path("settings/tokens/<int:pk>/revoke/", settings_views.revoke_token, name="revoke_token"),
    path("settings/webhooks/", settings_views.webhooks, name="webhooks"),
    path("settings/webhooks/<int:pk>/rotate/", settings_views.rotate_webhook, name="rotate_webhook"),
    path("settings/webhooks/<int:pk>/disable/", settings_views.disable_webhook, name="disable_webhook"),
    path("settings/webhooks/<int:pk>/enable/", settings_views.enable_webhook, name="enable_webhook"),
    path("settings/webhooks/<int:pk>/log/", settings_views.webhook_log, name="webhook_log"),
]
