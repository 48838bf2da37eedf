from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """Serves French unless the visitor chose English with the language switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language header; the
    association works in French first, so only an explicit choice (the language cookie) or,
    for a signed-in member, their preferred language changes it. It reads ``request.user``, so
    it comes after AuthenticationMiddleware in MIDDLEWARE.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if not language or not translation.check_for_language(language):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                language = user.preferred_language
            else:
                language = settings.LANGUAGE_CODE
        try:
            language = translation.get_supported_language_variant(language)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
