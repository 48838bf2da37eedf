"""Password reset: a mail for a known address, the same answer for an unknown one."""

from django.core import mail
from django.urls import reverse


def test_password_reset_sends_a_mail_to_a_known_address(client, member, run_tasks):
    with run_tasks():
        response = client.post(reverse("account_reset_password"), {"email": member.email})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert "/comptes/password/reset/key/" in mail.outbox[0].body


def test_password_reset_answers_the_same_for_an_unknown_address(client, member, run_tasks):
    with run_tasks():
        known = client.post(reverse("account_reset_password"), {"email": member.email}, follow=True)
        unknown = client.post(
            reverse("account_reset_password"), {"email": "inconnu@example.org"}, follow=True
        )

    # No account enumeration: same redirect, same page; the stranger's address gets no
    # reset link.
    assert known.redirect_chain == unknown.redirect_chain
    assert unknown.status_code == 200
    assert [m.to for m in mail.outbox if "/password/reset/key/" in m.body] == [[member.email]]
