from allauth.account import app_settings
from allauth.account.app_settings import LoginMethod
from allauth.account.auth_backends import AuthenticationBackend as AllauthAuthenticationBackend

from members.selectors import users_owning_email


class AuthenticationBackend(AllauthAuthenticationBackend):
    """allauth's log-in by e-mail address, where an address logs in only the account it belongs
    to (``members.selectors.users_owning_email``). allauth would also try the accounts on which
    someone merely typed the address without confirming it: with their own password, they
    would be "logging in as" someone else's address, and allauth would then mail that person a
    link confirming the address for them."""

    def _authenticate_by_email(self, email: str, password: str):
        if not email or LoginMethod.EMAIL not in app_settings.LOGIN_METHODS:
            return None
        for user in users_owning_email(email):
            if self._check_password(user, password):
                return user
        return None
