"""The portal's communities and memberships, read as they are (unmanaged: the baseline never
migrates the portal's database). Nothing prints them, hence no __str__."""
# ruff: noqa: DJ008

from django.db import models


class Person(models.Model):
    email = models.EmailField()
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)

    class Meta:
        managed = False
        db_table = "members_user"


class Community(models.Model):
    slug = models.SlugField()
    name_en = models.CharField(max_length=150)
    summary_en = models.CharField(max_length=300)
    mandate_en = models.TextField()
    capacity = models.PositiveSmallIntegerField()

    class Meta:
        managed = False
        db_table = "communities_community"


class Membership(models.Model):
    community = models.ForeignKey(Community, models.DO_NOTHING, related_name="memberships")
    member = models.ForeignKey(Person, models.DO_NOTHING, related_name="+")
    role = models.CharField(max_length=10)

    class Meta:
        managed = False
        db_table = "communities_membership"
