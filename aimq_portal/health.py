import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not healthy", reported below
        logger.exception("Health check: database unreachable")
        return False


def _broker_ok() -> bool:
    # Here, not at the top: the URLconf imports this module in every web worker, and the Celery
    # app (with kombu) is only needed by the monitor's request.
    from aimq_portal.celery import app as celery_app

    try:
        # One attempt and no back-off: kombu's retry would sleep 2 s before answering, and a
        # monitor asks again anyway. connect_timeout bounds a broker that never answers.
        with celery_app.connection_for_write(connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=0, timeout=2)
        return True
    except Exception:
        logger.exception("Health check: broker unreachable")
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "error",
        "database": "ok" if checks["database"] else "error",
        "broker": "ok" if checks["broker"] else "error",
    }
    return JsonResponse(body, status=200 if healthy else 503)
