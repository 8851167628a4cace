from django.dispatch import Signal

# Sent once an email's fate is settled: status "sent", or "failed" after its last attempt.
# Arguments: email (the OutboundEmail), status, attachments (how many files went with it).
email_finished = Signal()
