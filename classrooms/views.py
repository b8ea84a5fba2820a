"""Class pages: the teacher's classes and dashboard, the learner's join form and class view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from achievements.leaderboards import PERIODS, WEEK
from core.errors import DomainError, Forbidden, NotFound
from core.handlers import status_for

from . import joining, reports, selectors, services
from .forms import AssignmentForm, ClassroomForm, JoinForm
from .models import Assignment


def _classroom(request, pk: int, *, teacher_only: bool = False):
    """The class for this page, or the branded 404 (not yours) / 403 (a member on a teacher's page)."""
    try:
        return selectors.classroom_for(user=request.user, pk=pk, teacher_only=teacher_only)
    except NotFound as error:
        raise Http404(error.message) from error
    except Forbidden as error:
        raise PermissionDenied(error.message) from error


def _index(request, *, join_form=None, class_form=None, status: int = 200):
    context = {
        "classes": list(selectors.classes_for(user=request.user)),
        "is_teacher": selectors.can_teach(request.user),
        "join_form": join_form or JoinForm(),
        "class_form": class_form or ClassroomForm(),
    }
    return render(request, "classrooms/index.html", context, status=status)


@login_required
def index(request):
    return _index(request)


@login_required
@require_POST
def create(request):
    form = ClassroomForm(request.POST)
    if not form.is_valid():
        return _index(request, class_form=form, status=400)
    try:
        classroom = services.create_classroom(teacher=request.user, name=form.cleaned_data["name"])
    except DomainError as error:
        form.add_error(None, error.message)
        return _index(request, class_form=form, status=status_for(error))
    messages.success(request, _("Class created. Share the code with your learners."))
    return redirect(classroom)


@login_required
@require_POST
def join(request):
    form = JoinForm(request.POST)
    if not form.is_valid():
        return _index(request, join_form=form, status=400)
    try:
        classroom, created = joining.join_by_code(request, code=form.cleaned_data["code"])
    except DomainError as error:
        form.add_error("code", error.message)
        return _index(request, join_form=form, status=status_for(error))
    if created:
        messages.success(request, _("You joined %(name)s!") % {"name": classroom.name})
    return redirect(classroom)


def _detail(request, classroom, *, assignment_form=None, rename_form=None, status: int = 200):
    user = request.user
    period = request.GET.get("period", WEEK)
    if period not in PERIODS:
        period = WEEK
    context = {
        "classroom": classroom,
        "period": period,
        "board": selectors.board(classroom=classroom, period=period, user=user),
    }
    if selectors.teaches(user, classroom):
        context.update(
            progress=selectors.progress(classroom),
            assignment_form=assignment_form or AssignmentForm(),
            rename_form=rename_form or ClassroomForm(initial={"name": classroom.name}),
            members_count=classroom.memberships.count(),
        )
        return render(request, "classrooms/teacher.html", context, status=status)
    context["assignments"] = selectors.assignments_for(classroom=classroom, user=user)
    return render(request, "classrooms/learner.html", context, status=status)


@login_required
def detail(request, pk: int):
    return _detail(request, _classroom(request, pk))


def _teacher_action(request, pk: int, action, *, done: str):
    classroom = _classroom(request, pk, teacher_only=True)
    try:
        action(classroom)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(classroom)


@login_required
@require_POST
def rename(request, pk: int):
    classroom = _classroom(request, pk, teacher_only=True)
    form = ClassroomForm(request.POST)
    if not form.is_valid():
        return _detail(request, classroom, rename_form=form, status=400)
    services.update_classroom(classroom=classroom, name=form.cleaned_data["name"])
    messages.success(request, _("Class renamed."))
    return redirect(classroom)


@login_required
@require_POST
def archive(request, pk: int):
    archived = request.POST.get("archived") != "0"
    return _teacher_action(
        request,
        pk,
        lambda c: services.update_classroom(classroom=c, archived=archived),
        done=_("Class archived: its code no longer works.") if archived else _("Class open again."),
    )


@login_required
@require_POST
def new_code(request, pk: int):
    return _teacher_action(
        request,
        pk,
        lambda c: services.regenerate_code(classroom=c),
        done=_("New code made: the old one stops working."),
    )


@login_required
@require_POST
def remove_member(request, pk: int, user_id: int):
    return _teacher_action(
        request,
        pk,
        lambda c: services.remove_member(classroom=c, user_id=user_id),
        done=_("Learner removed from the class."),
    )


@login_required
@require_POST
def add_assignment(request, pk: int):
    classroom = _classroom(request, pk, teacher_only=True)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        try:
            services.create_assignment(
                classroom=classroom, due_date=form.cleaned_data["due_date"], **form.content_kwargs()
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return _detail(request, classroom, assignment_form=form, status=status_for(error))
        messages.success(request, _("Assignment added."))
        return redirect(classroom)
    return _detail(request, classroom, assignment_form=form, status=400)


@login_required
@require_POST
def delete_assignment(request, pk: int, assignment_id: int):
    classroom = _classroom(request, pk, teacher_only=True)
    services.delete_assignment(assignment=get_object_or_404(Assignment, pk=assignment_id, classroom=classroom))
    messages.success(request, _("Assignment removed."))
    return redirect(classroom)


@login_required
@require_POST
def leave(request, pk: int):
    classroom = _classroom(request, pk)
    try:
        services.leave_classroom(user=request.user, classroom=classroom)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(classroom)
    messages.success(request, _("You left %(name)s.") % {"name": classroom.name})
    return redirect("classes")


@login_required
def progress_csv(request, pk: int):
    classroom = _classroom(request, pk, teacher_only=True)
    response = HttpResponse(
        reports.progress_csv(selectors.members_of(classroom)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="class-{classroom.pk}-progress.csv"'
    return response
