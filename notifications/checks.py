from django.conf import settings
from django.core.checks import Warning, register


@register()
def sms_provider_check(app_configs, **kwargs):
    """Without a provider, sign-in codes and SMS reminders only reach var/sms."""
    if not settings.DEBUG and settings.SMS_PROVIDER == "files":
        return [
            Warning(
                "SMS_PROVIDER is 'files': text messages, sign-in codes included, are written to var/sms and never sent.",
                hint="Set SMS_PROVIDER=aliyun or tencent with its keys, signature and template codes (README).",
                id="notifications.W001",
            )
        ]
    return []
