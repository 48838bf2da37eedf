"""Agendas and minutes were stored as sanitised HTML (``<p>``, ``<ul><li>`` …); they are now
kept as the lead types them (plain text with a little Markdown, see meetings.formatting). This
turns each stored HTML into the text a lead would have typed for it: paragraphs separated by a
blank line, ``<br>`` as a line break, lists as "- " or "1. " lines, bold and italic as ``**``
and ``*``, links as ``[text](address)``, the old h3/h4 headings as a bold line. Characters that
would mean something in Markdown are escaped with a backslash so the text shows as before.

Going back renders the text to sanitised HTML again."""

import re
from html.parser import HTMLParser

from django.db import migrations, models

# Escaped only where Markdown would read them: "*", "[", "]" and "\\" anywhere, "_" at a word's
# edge (snake_case stays as it is), "<" before a letter (an automatic link).
_MARKDOWN_SPECIAL = re.compile(r"([\\*\[\]]|(?<![^\W_])_|_(?![^\W_])|<(?=\w))")
# A line that would start a list in Markdown: its marker is escaped ("\-", "1\.").
_LIST_START = re.compile(r"^(\s*)([-+]|\d+)([.)]?)(\s|$)")


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _not_a_list(line: str) -> str:
    def escaped(match: re.Match) -> str:
        space, marker, dot, after = match.groups()
        if marker in "-+":
            return f"{space}\\{marker}{dot}{after}"
        if dot:
            return f"{space}{marker}\\{dot}{after}"
        return match.group(0)

    return _LIST_START.sub(escaped, line)


class _ToText(HTMLParser):
    """Paragraphs, line breaks, lists (nested too), bold, italic and links, as Markdown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []  # finished paragraphs and lists
        self.line: list[str] = []  # the paragraph or list item being read
        self.lists: list[list] = []  # the open lists: [tag, items so far]
        self.items: list[str] = []  # the lines of the outermost open list
        self.marker_due = False  # the current item's marker is not written yet
        self.links: list[str | None] = []

    def _flush(self) -> None:
        text = "".join(self.line).strip(" \n")
        self.line = []
        if not text:
            return
        lines = [_not_a_list(line.strip()) for line in text.split("\n")]
        if not self.lists:
            self.blocks.append("\n".join(lines))
            return
        tag, count = self.lists[-1]
        indent = "   " * (len(self.lists) - 1)
        marker = "- " if tag == "ul" else f"{max(count, 1)}. "
        first = f"{indent}{marker if self.marker_due else ' ' * len(marker)}{lines[0]}"
        self.marker_due = False
        self.items += [first, *(f"{indent}{' ' * len(marker)}{line}" for line in lines[1:])]

    def _end_list(self) -> None:
        if self.items:
            self.blocks.append("\n".join(self.items))
            self.items = []

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "div", "h3", "h4"):
            self._flush()
            if tag in ("h3", "h4"):
                self.line.append("**")
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists.append([tag, 0])
        elif tag == "li":
            self._flush()
            if self.lists:
                self.lists[-1][1] += 1
                self.marker_due = True
        elif tag == "br":
            self.line.append("\n")
        elif tag in ("strong", "b"):
            self.line.append("**")
        elif tag in ("em", "i"):
            self.line.append("*")
        elif tag == "a":
            href = dict(attrs).get("href")
            self.links.append(href)
            if href:
                self.line.append("[")

    def handle_endtag(self, tag):
        if tag in ("p", "div", "h3", "h4"):
            if tag in ("h3", "h4"):
                self.line.append("**")
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
            if not self.lists:
                self._end_list()
        elif tag == "li":
            self._flush()
        elif tag in ("strong", "b"):
            self.line.append("**")
        elif tag in ("em", "i"):
            self.line.append("*")
        elif tag == "a":
            href = self.links.pop() if self.links else None
            if href:
                self.line.append(f"]({href.replace(' ', '%20').replace(')', '%29')})")

    def handle_data(self, data):
        self.line.append(_escape(" ".join(data.split("\n"))))

    def result(self) -> str:
        self._flush()
        self.lists = []
        self._end_list()
        return "\n\n".join(self.blocks)


def html_to_text(value: str) -> str:
    if not value:
        return value
    parser = _ToText()
    parser.feed(value)
    parser.close()
    return parser.result()


def _forwards(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    FollowUp = apps.get_model("meetings", "FollowUp")
    for model, field in ((Meeting, "agenda"), (FollowUp, "minutes")):
        for pk, value in model.objects.exclude(**{field: ""}).values_list("pk", field).iterator():
            text = html_to_text(value)
            if text != value:
                model.objects.filter(pk=pk).update(**{field: text})


def _backwards(apps, schema_editor):
    from meetings.formatting import to_html

    Meeting = apps.get_model("meetings", "Meeting")
    FollowUp = apps.get_model("meetings", "FollowUp")
    for model, field in ((Meeting, "agenda"), (FollowUp, "minutes")):
        for pk, value in model.objects.exclude(**{field: ""}).values_list("pk", field).iterator():
            model.objects.filter(pk=pk).update(**{field: str(to_html(value))})


class Migration(migrations.Migration):
    dependencies = [("meetings", "0005_followup_talks_and_visibility")]

    operations = [
        migrations.RunPython(_forwards, _backwards),
        migrations.AlterField(
            model_name="followup",
            name="minutes",
            field=models.TextField(blank=True, help_text="Lines are kept as typed. A blank line separates paragraphs; lines starting with “-” or “1.” make a list; **bold**, *italic*, [text](https://…) for a link.", verbose_name="minutes"),
        ),
        migrations.AlterField(
            model_name="meeting",
            name="agenda",
            field=models.TextField(blank=True, help_text="Lines are kept as typed. A blank line separates paragraphs; lines starting with “-” or “1.” make a list; **bold**, *italic*, [text](https://…) for a link.", verbose_name="agenda"),
        ),
    ]

