# The configuration package holds no models: e-mails live in the notifications app's outbox.
