from django.urls import path

from . import views

app_name = "reading"
urlpatterns = [
    path("fill/", views.fill_from_screenshots, name="fill"),
    path("<str:reference>/sharing/<str:recipient>/", views.sharing_choice, name="sharing_choice"),
    path("<str:reference>/shared/<str:recipient>/<uuid:public_id>.jpg", views.shared_preview, name="shared_preview"),
]
