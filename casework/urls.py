"""The pages every kind of case has, so both apps name them alike."""

from django.urls import path


def case_urlpatterns(views, *, case: str) -> list:
    """The list, form, queue, detail, documents, actions and program pages of one kind of
    case; each URL is named after its view: `<case>_list`, `<case>_detail`, `program_list`..."""

    def page(route, name):
        return path(route, getattr(views, name), name=name)

    return [
        page("", f"{case}_list"),
        page("new/", f"{case}_create"),
        page("approvals/", "approval_queue"),
        page("<int:pk>/", f"{case}_detail"),
        page("<int:pk>/edit/", f"{case}_edit"),
        page("<int:pk>/documents/", "document_upload"),
        page("<int:pk>/documents/<int:document_pk>/", "document_download"),
        page("<int:pk>/do/<slug:action>/", f"{case}_action"),
        page("programs/", "program_list"),
        page("programs/new/", "program_create"),
        page("programs/<int:pk>/", "program_detail"),
    ]
