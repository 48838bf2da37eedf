from django.contrib import admin

from questions import services
from questions.models import Answer, Question


class AnswerInline(admin.StackedInline):
    model = Answer
    extra = 0
    fields = [
        "author",
        "body",
        "is_solution",
        "created_at",
        "edited_at",
        "removed_at",
        "removed_by",
    ]
    readonly_fields = ["is_solution", "created_at", "edited_at", "removed_at", "removed_by"]
    raw_id_fields = ["author"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "author", "urgent", "solved_at", "created_at"]
    list_filter = ["urgent", "community", ("solved_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "details"]
    list_select_related = ["community", "author"]
    raw_id_fields = ["author"]
    # Solving goes through the question's page (its author), which keeps the answers in step.
    readonly_fields = ["solved_at", "created_at", "updated_at"]
    inlines = [AnswerInline]

    def delete_model(self, request, obj) -> None:
        services.questions_delete([obj])

    def delete_queryset(self, request, queryset) -> None:
        services.questions_delete(list(queryset))


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "question", "author", "is_solution", "created_at", "removed_at"]
    list_filter = ["is_solution", ("removed_at", admin.EmptyFieldListFilter)]
    search_fields = ["body", "question__title"]
    list_select_related = ["question", "author"]
    raw_id_fields = ["question", "author"]
    readonly_fields = ["is_solution", "created_at", "edited_at", "removed_at", "removed_by"]
