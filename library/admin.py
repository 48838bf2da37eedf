from django.contrib import admin
from django.db import models

from library.models import Resource, ResourceVersion, Tag, UsefulMark


class ResourceVersionInline(admin.TabularInline):
    model = ResourceVersion
    extra = 0
    readonly_fields = ["uploaded_by", "uploaded_at"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "community", "kind", "visibility", "author", "created_at"]
    list_filter = ["kind", "visibility", "community"]
    search_fields = ["title", "description"]
    filter_horizontal = ["tags"]
    raw_id_fields = ["author"]
    inlines = [ResourceVersionInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(UsefulMark)
class UsefulMarkAdmin(admin.ModelAdmin):
    list_display = ["resource", "member", "created_at"]
    raw_id_fields = ["resource", "member"]
