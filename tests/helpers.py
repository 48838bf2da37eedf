"""Small readers of a test client's response, shared by the page tests."""


def page_text(response) -> str:
    return response.content.decode()


def shown_messages(response) -> list[str]:
    """The Django messages the page shows (the response must come from a rendered page)."""
    return [str(message) for message in response.context["messages"]]
