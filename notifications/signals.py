from django.dispatch import Signal

# Sent once an email's fate is settled: status "sent", or "failed" after its last attempt.
# Arguments: email (the OutboundEmail), status, attachments (how many files went with it).
email_finished = Signal()

# A provider pushed a reply to one of our texts: sent with phone= (E.164) and text=.
# accounts.signals stops SMS for the number on "TD"; the outbox knows no account.
sms_reply_received = Signal()
