from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from members.forms import ProfileForm
from members.models import User
from members.services import profile_update


@login_required
def profile_detail(request: HttpRequest) -> HttpResponse:
    return render(request, "members/profile_detail.html", {"member": request.user})


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    # The form works on its own copy: validating it writes the input onto its instance, and
    # the page around the form (the navbar's name) must keep showing what is saved.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        profile_update(user=request.user, data=form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("members:profile")
    return render(request, "members/profile_form.html", {"form": form})
