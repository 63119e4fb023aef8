from core.tenancy import Scope


def scope(request):
    user = getattr(request, "user", None)
    return {"scope": Scope.of(user) if user is not None else Scope(user_id=None)}
