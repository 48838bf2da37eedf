# The Celery app (aimq_portal.celery) is not imported here, on purpose: every web worker imports
# this package, and Celery with kombu, amqp, billiard and click costs each of them megabytes for
# nothing, since a web worker only sends a task after a commit that wrote to the outbox. The app
# is imported by what needs it: the worker and beat (`celery -A aimq_portal` finds
# aimq_portal.celery), and the task modules, which import it before declaring their shared tasks
# (notifications.tasks, submit_once.tasks), so a task is always sent through this app.
